/**
 * The part of a proposal every job knows before planning: branch, labels, reviewers and auto-merge of
 * the target environment, an empty change set and the metadata header. Jobs build their planned
 * proposals on it, and the App reads the write path's state for it while planning.
 */
import type { CourierConfig } from '../config/index.ts';
import { formatBranch } from './names.ts';
import { COURIER_LABEL, type Proposal, type ProposalKind } from './proposal.ts';

/** A proposal header for `kind` into `environment`, on the branch named after `subject`. */
export function proposalHeader(config: CourierConfig, kind: ProposalKind, environmentName: string, subject: string): Proposal {
  const environment = config.environments.find((e) => e.name === environmentName)!;
  return {
    kind,
    environment: environment.name,
    subject,
    branch: formatBranch({ kind, environment: environment.name, subject }),
    title: '',
    body: '',
    labels: [...new Set([COURIER_LABEL, ...config.pullRequests.labels])],
    reviewers: config.pullRequests.reviewers,
    teamReviewers: config.pullRequests.teamReviewers,
    autoMerge: environment.autoMerge,
    commits: [],
    changeSet: { edits: [], changes: [], warnings: [] },
    metadata: { version: 1, kind, environment: environment.name, subject },
  };
}
