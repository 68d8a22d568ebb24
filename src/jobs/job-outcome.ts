/** What a job did in one environment: the write path's verdict in the App's terms, for logs, metrics and tests. */
import type { ProposalKind } from '../core/proposal/proposal.ts';

export interface JobOutcome {
  kind: ProposalKind;
  environment: string;
  action: 'opened' | 'updated' | 'unchanged' | 'nothing' | 'failed';
  pullRequest?: { number: number; url: string };
  /** The PR branch's head commit after the write (when the write path knows it). */
  headSha?: string;
  /** Older PRs this one superseded (closed or rewritten). */
  superseded?: Array<{ number: number }>;
  /** With `failed`: what the user was shown (a check run on the base commit). */
  error?: string;
}
