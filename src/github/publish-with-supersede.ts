/**
 * The write path with supersede handling around it: list the open Courier PRs, decide (pure), close
 * what a new PR replaces, publish, then close other-branch PRs with a link to the result.
 * Costs one read more than `publishProposal`, plus one mutating request per closing batch.
 */
import type { Proposal } from '../core/proposal/proposal.ts';
import type { EarlyState } from './early-state.ts';
import { countingClient, type GitHubClient, type RequestCounts } from './github-client.ts';
import { publishProposal, type PublishOptions, type PublishResult } from './publish-proposal.ts';
import type { RepoRef } from './publish-state.ts';
import {
  bodyWithSupersedeNote,
  closeSuperseded,
  courierPullRequestsOf,
  decideSupersede,
  type CourierPullRequest,
  listCourierPullRequests,
  type ParseMetadata,
  type SupersedeStrategy,
} from './supersede.ts';

/** Options: publish options plus the supersede strategy and the metadata parser. */
export interface SupersedeOptions extends Omit<PublishOptions, 'decorateBody'> {
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

/** Publishes `proposal` and supersedes older PRs for the same image × environment. */
export async function publishWithSupersede(
  gh: GitHubClient,
  repo: RepoRef,
  proposal: Proposal,
  opts: SupersedeOptions,
): Promise<PublishResult & { superseded: number[] }> {
  const strategy = opts.strategy ?? 'update';
  const { client, counts } = countingClient(gh);
  if (opts.singleRead && strategy === 'update' && !opts.dryRun) return publishThenSupersede(client, counts, repo, proposal, opts);
  const open = await listCourierPullRequests(client, repo, opts.parseMetadata, opts.match);
  const decision = decideSupersede(proposal, open, strategy);
  const planned = [...decision.closeBefore, ...decision.closeAfter].map((p) => p.number);
  const publishOpts: PublishOptions = {
    ...(opts.dryRun !== undefined ? { dryRun: opts.dryRun } : {}),
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
    ...(strategy === 'update' ? { decorateBody: (pr) => bodyWithSupersedeNote(proposal, pr, opts.parseMetadata) } : {}),
  };
  if (opts.dryRun) {
    const result = await publishProposal(client, repo, proposal, publishOpts);
    return { ...result, superseded: planned, requests: { total: counts.total, mutating: counts.mutating } };
  }
  const closedBefore = await closeSuperseded(client, decision.closeBefore, { proposal });
  const result = await publishProposal(client, repo, proposal, publishOpts);
  const link = { proposal, ...(result.url ? { url: result.url } : {}), ...(result.number ? { number: result.number } : {}) };
  const closedAfter = result.number ? await closeSuperseded(client, decision.closeAfter, link) : [];
  return {
    ...result,
    superseded: [...closedBefore, ...closedAfter],
    requests: { total: counts.total, mutating: counts.mutating },
  };
}

/** `update` with one read: under `update` nothing is closed before publishing, so the list can come with the state. */
async function publishThenSupersede(
  client: GitHubClient,
  counts: RequestCounts,
  repo: RepoRef,
  proposal: Proposal,
  opts: SupersedeOptions,
): Promise<PublishResult & { superseded: number[] }> {
  let open: CourierPullRequest[] = [];
  const result = await publishProposal(client, repo, proposal, {
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.retry ? { retry: opts.retry } : {}),
    decorateBody: (pr) => bodyWithSupersedeNote(proposal, pr, opts.parseMetadata),
    ...(opts.early ? { early: opts.early } : {}),
    onOpenPullRequests: (nodes) => {
      open = courierPullRequestsOf(nodes, opts.parseMetadata, opts.match);
    },
  });
  const decision = decideSupersede(proposal, open, 'update');
  const link = { proposal, ...(result.url ? { url: result.url } : {}), ...(result.number ? { number: result.number } : {}) };
  const closedAfter = result.number ? await closeSuperseded(client, decision.closeAfter, link) : [];
  return { ...result, superseded: closedAfter, requests: { total: counts.total, mutating: counts.mutating } };
}
