/**
 * The local mode's end of the one write path: a proposal's commits, all of them and in order, on its
 * branch on top of HEAD — HEAD, the index and the working tree untouched (see commitsToBranch). Where
 * the App would open a pull request, the CLI prints the proposal's title and body.
 */
import type { Proposal } from '../core/proposal/proposal.ts';
import { commitsToBranch, type BranchWrite } from '../git/local-repo.ts';

/** Options of one local publish. */
export interface LocalPublishOptions {
  /** Commit date, for reproducible commits. */
  date?: Date;
  /** Replace a courier/ branch even when it holds commits Courier did not write. */
  force?: boolean;
}

/** Writes every commit of `proposal` on `proposal.branch`; undefined (nothing written) when it has none. */
export async function publishLocal(dir: string, proposal: Proposal, opts: LocalPublishOptions = {}): Promise<BranchWrite | undefined> {
  if (proposal.commits.length === 0) return undefined;
  return commitsToBranch(dir, {
    branch: proposal.branch,
    commits: proposal.commits.map((c) => ({ message: c.message, edits: c.edits })),
    ...(opts.date ? { date: opts.date } : {}),
    ...(opts.force ? { force: true } : {}),
  });
}
