/**
 * The promotion job: environment *k*'s versions (and opted-in folders) into *k+1*, one PR per step on
 * `courier/promote/<k+1>/<k>`, updated in place as *k* moves on. The gates that decide when the PR
 * exists and when it may merge live in `promotion-pipeline.ts`; this is the write.
 */
import { promotionTemplatesFor } from '../builtin-templates.ts';
import type { CourierConfig } from '../core/config/index.ts';
import { planPromotion } from '../core/promotion/plan-promotion.ts';
import { buildPromotionProposal } from '../core/promotion/promotion-proposal.ts';
import type { Proposal } from '../core/proposal/proposal.ts';
import { proposalHeader } from '../core/proposal/proposal-header.ts';
import { ownBranchRule } from '../core/proposal/supersede-rule.ts';
import type { Job } from './job.ts';

/** What a promotion job is asked to do. */
export interface PromotionRequest {
  kind: 'promotion';
  from: string;
  to: string;
  /** Versions a cluster failed on (fleet state): never promoted. */
  rejected?: { subject: string; version: string }[];
  /**
   * The step's PR is known to exist. The early state read then cannot stand in for the write path's
   * own (an existing branch is read again), and GitHub's pacing of GraphQL calls would make it cost a
   * second: skip it.
   */
  branchExists?: boolean;
}

/** The proposal's header, known before planning (branch, labels, auto-merge of the target environment). */
export function promotionProposalHeader(config: CourierConfig, from: string, to: string): Proposal {
  return proposalHeader(config, 'promotion', to, from);
}

/** Builds the promotion job. */
export function createPromotionJob(): Job<PromotionRequest> {
  return {
    kind: 'promotion',
    // Every text file: opted-in folders are synced whole (scripts, JSON, configMapGenerator inputs).
    reads: () => true,
    header: (config, request) => (request.branchExists ? undefined : promotionProposalHeader(config, request.from, request.to)),
    plan({ files, config }, request) {
      const plan = planPromotion({ files, config, from: request.from, to: request.to, ...(request.rejected ? { rejected: request.rejected } : {}) });
      return buildPromotionProposal(plan, config, promotionTemplatesFor(files, config.pullRequests.templates));
    },
    rule: ownBranchRule,
    describe: (request) => `${request.from} → ${request.to}`,
  };
}
