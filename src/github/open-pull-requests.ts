/**
 * Courier's open pull requests of a repository: listed (in one query, or inside the write path's state
 * read) and closed with a comment. Which ones to close is a job's supersede rule's decision
 * (`src/core/proposal/supersede-rule.ts`); this file only talks to GitHub.
 */
import { parseBranch } from '../core/proposal/names.ts';
import type { ProposalMetadata } from '../core/proposal/proposal.ts';
import type { OpenProposal } from '../core/proposal/supersede-rule.ts';
import type { GitHubClient } from './github-client.ts';
import { runMutation, type MutationField } from './mutation-document.ts';
import type { RepoRef } from './repo-ref.ts';

/** Reads the hidden metadata block of a PR body; null when there is none. */
export type ParseMetadata = (body: string) => ProposalMetadata | null;

/** An open Courier PR with its parsed metadata. */
export interface CourierPullRequest extends OpenProposal {
  id: string;
  url: string;
  /** Node id of the head branch, when it still exists. */
  headRefId?: string;
}

/** An open PR as the list queries select it (`OPEN_PULL_REQUEST_FIELDS`). */
export interface OpenPullRequestNode {
  id: string;
  number: number;
  url: string;
  body: string;
  headRefName: string;
  /** The head branch; null once deleted. */
  headRef?: { id: string } | null;
  labels: { nodes: Array<{ name: string }> };
}

/** The selection of an open PR in the list queries. */
export const OPEN_PULL_REQUEST_FIELDS = 'id number url body headRefName headRef { id } labels(first: 50) { nodes { name } }';

interface ListData {
  repository: { pullRequests: { nodes: OpenPullRequestNode[] } } | null;
}

/**
 * Open Courier PRs of a repository (label `label` or branch prefix `prefix`), newest first, in one
 * query. Known limit: looks at the 100 most recently updated open PRs.
 */
export async function listCourierPullRequests(
  gh: GitHubClient,
  repo: RepoRef,
  parseMetadata: ParseMetadata,
  match: { label?: string; prefix?: string } = {},
): Promise<CourierPullRequest[]> {
  const data = await gh.graphql<ListData>(
    `query CourierOpenPullRequests($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    pullRequests(states: [OPEN], first: 100, orderBy: { field: UPDATED_AT, direction: DESC }) {
      nodes { ${OPEN_PULL_REQUEST_FIELDS} }
    }
  }
}`,
    { owner: repo.owner, name: repo.repo },
  );
  return courierPullRequestsOf(data.repository?.pullRequests.nodes ?? [], parseMetadata, match);
}

/** Keeps Courier's PRs (label `label` or branch prefix `prefix`) of listed nodes, with their metadata. */
export function courierPullRequestsOf(
  nodes: OpenPullRequestNode[],
  parseMetadata: ParseMetadata,
  match: { label?: string; prefix?: string } = {},
): CourierPullRequest[] {
  const label = match.label ?? 'courier';
  const prefix = match.prefix ?? 'courier/';
  return nodes
    .filter((p) => p.headRefName.startsWith(prefix) || p.labels.nodes.some((l) => l.name === label))
    .map((p) => ({
      id: p.id,
      number: p.number,
      url: p.url,
      branch: p.headRefName,
      body: p.body,
      metadata: parseMetadata(p.body),
      ...(p.headRef ? { headRefId: p.headRef.id } : {}),
    }));
}

/**
 * Closes PRs, each with its comment, all in one mutating request; returns the numbers closed. The
 * branch of a closed PR goes too when it is a Courier branch (`courier/<job>/…`): a branch left behind
 * is where a later event would reopen a duplicate. Deleting is optional: a refusal (branch protection)
 * does not undo the close.
 */
export async function closePullRequests(gh: GitHubClient, prs: readonly CourierPullRequest[], comment: string): Promise<number[]> {
  if (prs.length === 0) return [];
  const fields: MutationField[] = prs.flatMap((pr, i): MutationField[] => [
    { alias: `comment${i}`, mutation: 'addComment', inputType: 'AddCommentInput', input: { subjectId: pr.id, body: comment }, selection: 'clientMutationId' },
    { alias: `close${i}`, mutation: 'closePullRequest', inputType: 'ClosePullRequestInput', input: { pullRequestId: pr.id }, selection: 'pullRequest { number }' },
    ...(pr.headRefId && parseBranch(pr.branch)
      ? [{ alias: `deleteBranch${i}`, mutation: 'deleteRef', inputType: 'DeleteRefInput', input: { refId: pr.headRefId }, selection: 'clientMutationId', optional: true }]
      : []),
  ]);
  await runMutation(gh, 'CourierCloseSuperseded', fields);
  return prs.map((p) => p.number);
}
