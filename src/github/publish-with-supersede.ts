/**
 * The write path with the job's supersede rule around it: list the open Courier PRs, let the rule
 * decide (pure, in the job's core folder), close what a new PR replaces, publish, then close
 * other-branch PRs with a link to the result. This file lists and closes; it decides nothing.
 * Costs one read more than `publishProposal` (none with `singleRead`), plus one mutating request per
 * closing batch. Dry-run is honoured here and in `publishProposal`, nowhere else.
 */
import type { Proposal } from '../core/proposal/proposal.ts';
import type { SupersedeRule, SupersedeStrategy } from '../core/proposal/supersede-rule.ts';
import type { EarlyState } from './early-state.ts';
import { countingClient, type GitHubClient } from './github-client.ts';
import { closePullRequests, courierPullRequestsOf, listCourierPullRequests, type CourierPullRequest, type ParseMetadata } from './open-pull-requests.ts';
import { publishProposal, type PublishOptions, type PublishResult } from './publish-proposal.ts';
import type { RepoRef } from './repo-ref.ts';

/** Options: publish options plus the job's rule, the strategy and the metadata parser. */
export interface SupersedeOptions extends Omit<PublishOptions, 'rule' | 'listOpen'> {
  rule: SupersedeRule;
  strategy?: SupersedeStrategy;
  parseMetadata: ParseMetadata;
  match?: { label?: string; prefix?: string };
  /**
   * With the `update` strategy, list the open PRs in the write path's own state read instead of a
   * query of their own: one request less, and (as GitHub's pacing spaces Courier's GraphQL requests
   * about a second apart) about a second less between an event and its PR.
   */
  singleRead?: boolean;
  /** With singleRead: the state read made while planning (see early-state.ts). */
  early?: EarlyState;
}

/** What the write path did, plus the PRs the rule had closed. */
export type SupersedeResult = Omit<PublishResult, 'openPullRequests'> & { superseded: number[] };

/** Publishes `proposal` and supersedes the older PRs its job's rule names. */
export async function publishWithSupersede(gh: GitHubClient, repo: RepoRef, proposal: Proposal, opts: SupersedeOptions): Promise<SupersedeResult> {
  const strategy = opts.strategy ?? 'update';
  const { client, counts } = countingClient(gh);
  const publishOpts: PublishOptions = {
    ...(opts.dryRun !== undefined ? { dryRun: opts.dryRun } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(strategy === 'update' ? { rule: opts.rule } : {}),
  };
  const close = (prs: CourierPullRequest[], link: string) => closePullRequests(client, prs, opts.rule.closingComment(proposal, link));
  const linkTo = (result: PublishResult) => (result.url ? `#${result.number} (${result.url})` : `a new pull request from \`${proposal.branch}\``);
  const finish = ({ openPullRequests: _, ...result }: PublishResult, superseded: number[]): SupersedeResult => ({
    ...result,
    superseded,
    requests: { total: counts.total, mutating: counts.mutating },
  });

  if (opts.singleRead && strategy === 'update' && !opts.dryRun) {
    // Under `update` nothing is closed before publishing, so the list can come with the state read.
    const result = await publishProposal(client, repo, proposal, { ...publishOpts, listOpen: true, ...(opts.early ? { early: opts.early } : {}) });
    const open = courierPullRequestsOf(result.openPullRequests ?? [], opts.parseMetadata, opts.match);
    const decision = opts.rule.decide(proposal, open, 'update');
    return finish(result, result.number ? await close(decision.closeAfter, linkTo(result)) : []);
  }
  const open = await listCourierPullRequests(client, repo, opts.parseMetadata, opts.match);
  const decision = opts.rule.decide(proposal, open, strategy);
  if (opts.dryRun) {
    const result = await publishProposal(client, repo, proposal, publishOpts);
    return finish(result, [...decision.closeBefore, ...decision.closeAfter].map((p) => p.number));
  }
  const closedBefore = await close(decision.closeBefore, `a new pull request from \`${proposal.branch}\``);
  const result = await publishProposal(client, repo, proposal, publishOpts);
  const closedAfter = result.number ? await close(decision.closeAfter, linkTo(result)) : [];
  return finish(result, [...closedBefore, ...closedAfter]);
}
