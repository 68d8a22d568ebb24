/**
 * What a newer proposal does to Courier's open pull requests of the same job: each job brings its own
 * rule (the image rule compares image tags; a promotion replaces the open promotion of its
 * environment). The GitHub layer lists and closes PRs and calls the rule; it decides nothing itself.
 */
import type { Proposal, ProposalMetadata } from './proposal.ts';

/** How an older PR of the same job and subject is superseded: rewritten in place, or closed for a new one. */
export type SupersedeStrategy = 'update' | 'close';

/** An open Courier PR as a rule sees it. */
export interface OpenProposal {
  number: number;
  branch: string;
  body: string;
  metadata: ProposalMetadata | null;
}

/** Which open PRs to close, and when. A same-branch PR under `update` needs no decision: the write path rewrites it. */
export interface SupersedeDecision<T extends OpenProposal = OpenProposal> {
  /** Closed before publishing (same branch under `close`: a new PR replaces it). */
  closeBefore: T[];
  /** Closed after publishing, with a link to the new PR. */
  closeAfter: T[];
}

/** One job's supersede rule. */
export interface SupersedeRule {
  /** The body the PR of the proposal's own branch converges to, given that PR (null when there is none). */
  bodyFor(proposal: Proposal, existing: { body: string } | null): string;
  /** Pure decision over the repository's open Courier PRs. */
  decide<T extends OpenProposal>(proposal: Proposal, open: readonly T[], strategy: SupersedeStrategy): SupersedeDecision<T>;
  /** The comment left on a PR closed in favour of `proposal`; `link` names the new PR. */
  closingComment(proposal: Proposal, link: string): string;
}

/**
 * The rule of a job whose branch is its whole identity (one branch per job, environment and subject):
 * the open PR of that branch is rewritten, nothing else is touched.
 */
export const ownBranchRule: SupersedeRule = {
  bodyFor: (proposal) => proposal.body,
  decide: (proposal, open, strategy) => ({
    closeBefore: strategy === 'close' ? open.filter((pr) => pr.branch === proposal.branch) : [],
    closeAfter: [],
  }),
  closingComment: (proposal, link) => `Superseded by ${link} for \`${proposal.environment}\`.`,
};

/** True when an open PR's metadata says it comes from the same job for the same environment. */
export function sameJobAndEnvironment(proposal: Proposal, meta: ProposalMetadata | null): meta is ProposalMetadata {
  return meta !== null && meta.kind === proposal.kind && meta.environment === proposal.environment;
}
