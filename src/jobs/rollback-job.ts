/**
 * The rollback job: one environment back to the versions of its last all-green commit, on
 * `courier/promote/<environment>/rollback` through the one write path. The pipeline finds that commit
 * and its files (`promotion-pipeline.ts`); the plan is pure (`core/promotion/plan-rollback.ts`).
 */
import { buildRollbackProposal, planRollback } from '../core/promotion/plan-rollback.ts';
import { proposalHeader } from '../core/proposal/proposal-header.ts';
import type { RepoFile } from '../core/repo-model/repo-file.ts';
import { ownBranchRule } from '../core/proposal/supersede-rule.ts';
import { isPlanInput } from '../git/local-repo.ts';
import type { Job } from './job.ts';

/** What a rollback job is asked to do. */
export interface RollbackRequest {
  kind: 'rollback';
  environment: string;
  goodCommit: string;
  /** The manifests at `goodCommit`. */
  goodFiles: RepoFile[];
  reason: string;
}

/** Builds the rollback job. */
export function createRollbackJob(): Job<RollbackRequest> {
  return {
    kind: 'promotion',
    reads: isPlanInput,
    header: (config, request) => proposalHeader(config, 'promotion', request.environment, 'rollback'),
    plan({ files, config }, request) {
      const input = { config, environment: request.environment, files, goodFiles: request.goodFiles, goodCommit: request.goodCommit, reason: request.reason };
      return buildRollbackProposal(planRollback(input), input);
    },
    rule: ownBranchRule,
    describe: (request) => `roll ${request.environment} back to ${request.goodCommit.slice(0, 7)}`,
  };
}
