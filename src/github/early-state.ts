/**
 * The write path's state read, made early: while the caller is still planning, read what does not
 * depend on the edited paths (repository, base head, the branch and its PR, labels, reviewers, open
 * PRs) for a proposal skeleton (branch, base, labels, reviewers, no commits). GitHub's pacing spaces
 * Courier's GraphQL requests about a second apart, so a read made during planning lets the write go
 * out as soon as the plan is ready instead of a second after the read.
 * The early state stands in for the real read only when it cannot differ from it: the branch does
 * not exist yet, base is still the commit the plan was made from (so each edited file's base blob is
 * the blob of its planned `before`), and the skeleton asked for the proposal's labels and reviewers.
 */
import type { Proposal } from '../core/proposal/proposal.ts';
import { EditEncodings } from './edit-encodings.ts';
import type { GitHubClient } from './github-client.ts';
import { proposalPaths, readPublishState, type PublishState } from './publish-state.ts';
import type { RepoRef } from './repo-ref.ts';

/** A state read started early, and the commit the plan is made from. */
export interface EarlyState {
  skeleton: Proposal;
  state: Promise<PublishState | undefined>;
  /** The base commit the plan was made from (the checkout's sha); set once known. */
  baseSha?: string;
}

/** Starts the early read for `skeleton` (a proposal without commits); failures yield undefined (the write path then reads itself). */
export function readEarlyState(gh: GitHubClient, repo: RepoRef, skeleton: Proposal, opts: { listOpen?: boolean } = {}): EarlyState {
  const state = readPublishState(gh, repo, { ...skeleton, commits: [], changeSet: { ...skeleton.changeSet, edits: [] } }, opts).catch(() => undefined);
  return { skeleton, state };
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The early state completed with base blobs computed locally, or undefined when it cannot stand in for a fresh read. */
export async function usableEarlyState(early: EarlyState, proposal: Proposal, encodings = new EditEncodings()): Promise<PublishState | undefined> {
  const state = await early.state;
  const s = early.skeleton;
  if (!state || state.branch !== null || early.baseSha === undefined || state.baseOid !== early.baseSha) return undefined;
  if (s.branch !== proposal.branch || s.base !== proposal.base) return undefined;
  if (!same(s.labels, proposal.labels) || !same(s.reviewers, proposal.reviewers) || !same(s.teamReviewers, proposal.teamReviewers)) return undefined;
  // What the first commit touching a path read there is the base's content (the base is the planned commit).
  const before = new Map<string, string | null>();
  for (const commit of proposal.commits) for (const e of commit.edits) if (!before.has(e.path)) before.set(e.path, encodings.of(e).beforeOid);
  const paths = proposalPaths(proposal);
  if (paths.some((p) => !before.has(p))) return undefined;
  return { ...state, baseFiles: Object.fromEntries(paths.map((p) => [p, before.get(p)!])) };
}
