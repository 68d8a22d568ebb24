/**
 * A newer release supersedes the older PR for the same image × environment. Two strategies:
 * - `update` (default): branch names are per image × environment, so the newer proposal lands on the
 *   same branch and updates the open PR in place; its body gains a "Superseded" note (old → new tag).
 * - `close`: the older PR is closed with a comment, and a fresh PR is opened for the new release.
 * With either strategy, an open Courier PR on ANOTHER branch that moves only images this proposal
 * also moves, in the same environment and of the same kind, is closed with a link to the new PR, so at
 * most one PR per image × environment stays open. A PR that also moves other images is left alone.
 * Metadata parsing is injected (`parseMetadata`, from `src/core/proposal/names.ts`), so this file has no
 * opinion on the metadata block's format.
 */
import type { Proposal, ProposalMetadata } from '../core/proposal/proposal.ts';
import type { ImageMetadataEntry } from '../core/image-update/image-change.ts';
import type { GitHubClient } from './github-client.ts';
import { runMutation, type MutationField } from './mutation-document.ts';
import type { RemotePullRequest, RepoRef } from './publish-state.ts';

/** How an older PR for the same image × environment is superseded. */
export type SupersedeStrategy = 'update' | 'close';

/** Reads the hidden metadata block of a PR body; null when there is none. */
export type ParseMetadata = (body: string) => ProposalMetadata | null;

/** An open Courier PR with its parsed metadata. */
export interface CourierPullRequest {
  id: string;
  number: number;
  url: string;
  branch: string;
  body: string;
  metadata: ProposalMetadata | null;
}

/**
 * What to do with the open Courier PRs, for one proposal. A same-branch PR under `update` needs no
 * decision: the write path rewrites it, and `bodyWithSupersedeNote` gives it the note.
 */
export interface SupersedeDecision {
  /** PRs to close before publishing (same branch, `close` strategy: a new PR replaces it). */
  closeBefore: CourierPullRequest[];
  /** PRs to close after publishing, with a link to the new PR. */
  closeAfter: CourierPullRequest[];
}

type Images = ImageMetadataEntry[];
/** The image entries of a metadata block (job data of image proposals). */
const imagesOf = (meta: ProposalMetadata | undefined | null): Images => (Array.isArray(meta?.images) ? (meta.images as Images) : []);

const NOTE_START = '<!-- courier:superseded -->';
const NOTE_END = '<!-- /courier:superseded -->';

/** The "Superseded" section for images whose tag changed, or '' when none did. */
function supersedeNote(previous: Images, next: Images): string {
  const lines = next.flatMap((n) => {
    const old = previous.find((p) => p.repository === n.repository);
    return old && old.tag !== n.tag ? [`- \`${n.repository}\`: superseded ${old.tag} → now ${n.tag}`] : [];
  });
  return lines.length === 0 ? '' : `${NOTE_START}\n**Superseded**\n${lines.join('\n')}\n${NOTE_END}`;
}

function existingNote(body: string): string {
  const start = body.indexOf(NOTE_START);
  const end = body.indexOf(NOTE_END);
  return start >= 0 && end > start ? body.slice(start, end + NOTE_END.length) : '';
}

/**
 * Body an updated-in-place PR converges to: the proposal's body plus the note. When the images are
 * unchanged (a re-run), the note already in the PR is kept, so re-running stays a no-op.
 */
export function bodyWithSupersedeNote(proposal: Proposal, existing: RemotePullRequest | null, parseMetadata: ParseMetadata): string {
  if (!existing) return proposal.body;
  const previous = imagesOf(parseMetadata(existing.body));
  const note = supersedeNote(previous, imagesOf(proposal.metadata)) || existingNote(existing.body);
  return note ? `${proposal.body}\n\n${note}` : proposal.body;
}

function sameSubjectOf(proposal: Proposal, meta: ProposalMetadata | null): meta is ProposalMetadata {
  return meta !== null && meta.kind === proposal.kind && meta.environment === proposal.environment;
}

/** Pure decision: which open Courier PRs this proposal supersedes, and how. */
export function decideSupersede(proposal: Proposal, open: CourierPullRequest[], strategy: SupersedeStrategy = 'update'): SupersedeDecision {
  const mine = new Set((imagesOf(proposal.metadata)).map((i) => i.repository));
  const decision: SupersedeDecision = { closeBefore: [], closeAfter: [] };
  for (const pr of open) {
    if (!sameSubjectOf(proposal, pr.metadata)) continue;
    const theirs = imagesOf(pr.metadata);
    if (pr.branch === proposal.branch) {
      if (strategy === 'close' && supersedeNote(theirs, imagesOf(proposal.metadata))) decision.closeBefore.push(pr);
      continue;
    }
    if (theirs.length > 0 && theirs.every((i) => mine.has(i.repository))) decision.closeAfter.push(pr);
  }
  return decision;
}

/** An open PR as the list queries select it (`OPEN_PULL_REQUEST_FIELDS`). */
export interface OpenPullRequestNode {
  id: string;
  number: number;
  url: string;
  body: string;
  headRefName: string;
  labels: { nodes: Array<{ name: string }> };
}

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

/** The selection of an open PR in the list queries. */
export const OPEN_PULL_REQUEST_FIELDS = 'id number url body headRefName labels(first: 50) { nodes { name } }';

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
    .map((p) => ({ id: p.id, number: p.number, url: p.url, branch: p.headRefName, body: p.body, metadata: parseMetadata(p.body) }));
}

/** Closes PRs with an explanatory comment, all in one mutating request; returns the numbers closed. */
export async function closeSuperseded(
  gh: GitHubClient,
  prs: CourierPullRequest[],
  by: { proposal: Proposal; url?: string; number?: number },
): Promise<number[]> {
  if (prs.length === 0) return [];
  const images = (imagesOf(by.proposal.metadata)).map((i) => `\`${i.repository}:${i.tag}\``).join(', ');
  const link = by.url ? `#${by.number} (${by.url})` : `a new pull request from \`${by.proposal.branch}\``;
  const fields: MutationField[] = prs.flatMap((pr, i) => [
    {
      alias: `comment${i}`,
      mutation: 'addComment',
      inputType: 'AddCommentInput',
      input: { subjectId: pr.id, body: `Superseded by ${link}, which moves ${images || 'the same images'} in \`${by.proposal.environment}\`.` },
      selection: 'clientMutationId',
    },
    { alias: `close${i}`, mutation: 'closePullRequest', inputType: 'ClosePullRequestInput', input: { pullRequestId: pr.id }, selection: 'pullRequest { number }' },
  ]);
  await runMutation(gh, 'CourierCloseSuperseded', fields);
  return prs.map((p) => p.number);
}
