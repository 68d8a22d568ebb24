/**
 * What every job is to the runner: which files it reads, the proposal header it knows before
 * planning, the plan itself (pure, from `src/core/<job>/`), and its supersede rule. A new job is one
 * file beside this one plus one line in `jobs.ts`.
 */
import type { CourierConfig } from '../core/config/index.ts';
import type { Proposal, ProposalKind } from '../core/proposal/proposal.ts';
import type { OpenProposal, SupersedeRule } from '../core/proposal/supersede-rule.ts';
import type { RepoFile } from '../core/repo-model/repo-file.ts';

/** What a job plans from: the checkout's files (as the job's `reads` chose them) and the validated config. */
export interface JobInput {
  files: RepoFile[];
  config: CourierConfig;
  /** The commit the files come from. */
  sha: string;
}

/** One job kind. `R` is its request (the releases of an image update, the environments of a promotion…). */
export interface Job<R> {
  kind: ProposalKind;
  /** Whether the plan needs this path of the checkout (screened before reading any blob). */
  reads(path: string): boolean;
  /** Completes a request before anything is read (e.g. release digests from the registry); identity when absent. */
  prepare?(request: R): Promise<R>;
  /** The proposal without edits or texts, when known before planning: lets the write path's state be read while planning. */
  header(config: CourierConfig, request: R): Proposal | undefined;
  /**
   * The request widened by what this job's open PRs already propose (the open PRs come with the state
   * read made while planning), so an older or narrower event cannot roll an open PR back or open a
   * second PR beside it. Return `request` itself when nothing changes; absent = no widening.
   */
  withOpenProposals?(request: R, open: readonly OpenProposal[], config: CourierConfig): R;
  /**
   * Plans the proposal (its commits are empty when there is nothing to do). Throws a user error for
   * bad input. Pure; asynchronous only where the engine is (SOPS uses WebCrypto).
   */
  plan(input: JobInput, request: R): Proposal | Promise<Proposal>;
  /** What a newer proposal does to this job's open PRs. */
  rule: SupersedeRule;
  /** One short line for logs, e.g. `ghcr.io/acme/app:1.2.0`. */
  describe(request: R): string;
}
