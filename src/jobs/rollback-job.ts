/**
 * The rollback job: one environment back to the versions of its last all-green commit, on
 * `courier/promote/<environment>/rollback` through the one write path. The pipeline finds that commit
 * and its files (`promotion-pipeline.ts`); the plan is pure (`core/promotion/plan-rollback.ts`).
 */
import type { CourierConfig } from '../core/config/index.ts';
import { buildRollbackProposal, planRollback } from '../core/promotion/plan-rollback.ts';
import { formatBranch } from '../core/proposal/names.ts';
import { COURIER_LABEL, type Proposal } from '../core/proposal/proposal.ts';
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

function header(config: CourierConfig, environment: string): Proposal {
  const env = config.environments.find((e) => e.name === environment)!;
  return {
    kind: 'promotion',
    environment,
    subject: 'rollback',
    branch: formatBranch({ kind: 'promotion', environment, subject: 'rollback' }),
    title: '',
    body: '',
    labels: [...new Set([COURIER_LABEL, ...config.pullRequests.labels])],
    reviewers: config.pullRequests.reviewers,
    teamReviewers: config.pullRequests.teamReviewers,
    autoMerge: env.autoMerge,
    commits: [],
    changeSet: { edits: [], changes: [], warnings: [] },
    metadata: { version: 1, kind: 'promotion', environment, subject: 'rollback' },
  };
}

/** Builds the rollback job. */
export function createRollbackJob(): Job<RollbackRequest> {
  return {
    kind: 'promotion',
    reads: isPlanInput,
    header: (config, request) => header(config, request.environment),
    plan({ files, config }, request) {
      const input = { config, environment: request.environment, files, goodFiles: request.goodFiles, goodCommit: request.goodCommit, reason: request.reason };
      return buildRollbackProposal(planRollback(input), input);
    },
    rule: ownBranchRule,
    describe: (request) => `roll ${request.environment} back to ${request.goodCommit.slice(0, 7)}`,
  };
}
