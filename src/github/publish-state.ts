/**
 * Reads everything the write path needs in ONE GraphQL query: repository id, base head, the blob ids
 * of the edited paths on base and on each commit of the existing branch, the open PR of the branch,
 * and the node ids of labels, reviewers and teams. Nothing is fetched per file.
 */
import type { Proposal } from '../core/proposal/proposal.ts';
import type { GitHubClient } from './github-client.ts';
import { GitHubError, NotFound } from './errors.ts';
import { OPEN_PULL_REQUEST_FIELDS, type OpenPullRequestNode } from './open-pull-requests.ts';
import type { RepoRef } from './repo-ref.ts';


/** An open pull request of the proposal's branch. */
export interface RemotePullRequest {
  id: string;
  number: number;
  url: string;
  title: string;
  body: string;
  baseRefName: string;
  labels: string[];
  autoMergeEnabled: boolean;
}

/** A commit of the existing branch, with the blob ids (null = absent) of the proposal's paths. */
export interface RemoteCommit {
  oid: string;
  message: string;
  changedFiles: number | null;
  parentOid: string | null;
  files: Record<string, string | null>;
}

/** How GitHub merges a pull request (`PullRequestMergeMethod`). */
export type MergeMethod = 'MERGE' | 'SQUASH' | 'REBASE';

/** What GitHub holds now, as far as the proposal is concerned. */
export interface PublishState {
  repositoryId: string;
  /** A merge method the repository allows, for auto-merge (GitHub's default, MERGE, may be disabled). */
  mergeMethod: MergeMethod;
  baseBranch: string;
  baseOid: string;
  /** Blob ids on base of every path the proposal edits (null = absent). */
  baseFiles: Record<string, string | null>;
  branch: { refId: string; headOid: string; commits: RemoteCommit[] } | null;
  pr: RemotePullRequest | null;
  labelIds: Record<string, string | null>;
  userIds: Record<string, string | null>;
  teamIds: Record<string, string | null>;
  /** Open PRs of the repository, newest first (only when asked for with `listOpen`). */
  openPullRequests?: OpenPullRequestNode[];
}

/** Every path the proposal's commits touch, in first-seen order. */
export function proposalPaths(proposal: Proposal): string[] {
  return [...new Set(proposal.commits.flatMap((c) => c.edits.map((e) => e.path)))];
}

/** `org/slug` → `{org, slug}`; a bare slug belongs to the repository owner. */
function splitTeam(team: string, owner: string): { org: string; slug: string } {
  const i = team.indexOf('/');
  return i < 0 ? { org: owner, slug: team } : { org: team.slice(0, i), slug: team.slice(i + 1) };
}

/** Builds the single read query and its variables. Aliases are indices; values travel as variables. */
export function buildStateQuery(repo: RepoRef, proposal: Proposal, opts: { listOpen?: boolean } = {}): { query: string; variables: Record<string, unknown> } {
  const paths = proposalPaths(proposal);
  const vars: Record<string, unknown> = {
    owner: repo.owner,
    name: repo.repo,
    branch: proposal.branch,
    branchRef: `refs/heads/${proposal.branch}`,
  };
  const decl = ['$owner: String!', '$name: String!', '$branch: String!', '$branchRef: String!'];
  paths.forEach((p, i) => {
    vars[`p${i}`] = p;
    decl.push(`$p${i}: String!`);
  });
  const files = paths.map((_, i) => `f${i}: file(path: $p${i}) { oid }`).join(' ');
  let baseField = '';
  if (proposal.base !== undefined) {
    vars.baseRef = `refs/heads/${proposal.base}`;
    decl.push('$baseRef: String!');
    baseField = 'baseRef: ref(qualifiedName: $baseRef) { name target { ... on Commit { oid ...CourierFiles } } }';
  }
  const labelFields = proposal.labels.map((l, i) => {
    vars[`l${i}`] = l;
    decl.push(`$l${i}: String!`);
    return `l${i}: label(name: $l${i}) { id }`;
  });
  const userFields = proposal.reviewers.map((u, i) => {
    vars[`u${i}`] = u;
    decl.push(`$u${i}: String!`);
    return `u${i}: user(login: $u${i}) { id }`;
  });
  const teamFields = proposal.teamReviewers.map((t, i) => {
    const { org, slug } = splitTeam(t, repo.owner);
    vars[`t${i}o`] = org;
    vars[`t${i}s`] = slug;
    decl.push(`$t${i}o: String!`, `$t${i}s: String!`);
    return `t${i}: organization(login: $t${i}o) { team(slug: $t${i}s) { id } }`;
  });
  const depth = Math.max(1, proposal.commits.length);
  const query = `query CourierPublishState(${decl.join(', ')}) {
  repository(owner: $owner, name: $name) {
    id
    mergeCommitAllowed squashMergeAllowed rebaseMergeAllowed
    defaultBranchRef { name target { ... on Commit { oid ...CourierFiles } } }
    ${baseField}
    headRef: ref(qualifiedName: $branchRef) {
      id
      target { ... on Commit { oid history(first: ${depth}) { nodes { oid message changedFilesIfAvailable parents(first: 1) { nodes { oid } } ...CourierFiles } } } }
    }
    pullRequests(headRefName: $branch, states: [OPEN], first: 10) {
      nodes { id number url title body baseRefName headRepositoryOwner { login } labels(first: 100) { nodes { name } } autoMergeRequest { enabledAt } }
    }
    ${opts.listOpen ? `openPullRequests: pullRequests(states: [OPEN], first: 100, orderBy: { field: UPDATED_AT, direction: DESC }) { nodes { ${OPEN_PULL_REQUEST_FIELDS} } }` : ''}
    ${labelFields.join('\n    ')}
  }
  ${[...userFields, ...teamFields].join('\n  ')}
}
fragment CourierFiles on Commit { ${files || '__typename'} }`;
  return { query, variables: vars };
}

interface CommitNode {
  oid: string;
  message?: string;
  changedFilesIfAvailable?: number | null;
  parents?: { nodes: Array<{ oid: string }> };
  [alias: string]: unknown;
}

interface StateData {
  repository: {
    id: string;
    mergeCommitAllowed: boolean;
    squashMergeAllowed: boolean;
    rebaseMergeAllowed: boolean;
    defaultBranchRef: { name: string; target: CommitNode | null } | null;
    baseRef?: { name: string; target: CommitNode | null } | null;
    headRef: { id: string; target: (CommitNode & { history: { nodes: CommitNode[] } }) | null } | null;
    pullRequests: {
      nodes: Array<
        Omit<RemotePullRequest, 'labels' | 'autoMergeEnabled'> & {
          headRepositoryOwner: { login: string } | null;
          labels: { nodes: Array<{ name: string }> };
          autoMergeRequest: { enabledAt: string } | null;
        }
      >;
    };
    openPullRequests?: { nodes: OpenPullRequestNode[] };
    [alias: string]: unknown;
  } | null;
  [alias: string]: unknown;
}

function filesOf(node: CommitNode, paths: string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  paths.forEach((p, i) => {
    const entry = node[`f${i}`] as { oid: string } | null | undefined;
    out[p] = entry?.oid ?? null;
  });
  return out;
}

/** The first merge method the repository allows, MERGE first as in GitHub's own default. */
function allowedMergeMethod(r: { mergeCommitAllowed: boolean; squashMergeAllowed: boolean; rebaseMergeAllowed: boolean }): MergeMethod {
  if (r.mergeCommitAllowed) return 'MERGE';
  if (r.squashMergeAllowed) return 'SQUASH';
  return r.rebaseMergeAllowed ? 'REBASE' : 'MERGE';
}

/** Runs the read query; a reviewer or team that does not resolve is reported as null, not an error. */
export async function readPublishState(gh: GitHubClient, repo: RepoRef, proposal: Proposal, opts: { listOpen?: boolean } = {}): Promise<PublishState> {
  const { query, variables } = buildStateQuery(repo, proposal, opts);
  let data: StateData;
  try {
    data = await gh.graphql<StateData>(query, variables);
  } catch (error) {
    // GitHub answers an unknown login or team with a NOT_FOUND error next to the rest of the data.
    const onlyReviewers =
      error instanceof GitHubError &&
      error.errors.length > 0 &&
      error.errors.every((e) => typeof e.path?.[0] === 'string' && /^[ut]\d+$/.test(e.path[0] as string)) &&
      error.data !== undefined && error.data !== null;
    if (!onlyReviewers) throw error;
    data = error.data as StateData;
  }
  const r = data.repository;
  const where = { repo: `${repo.owner}/${repo.repo}`, attempted: 'POST /graphql CourierPublishState' };
  if (!r) throw new NotFound('repository not found', where);
  const paths = proposalPaths(proposal);
  const baseRef = proposal.base !== undefined ? r.baseRef : r.defaultBranchRef;
  if (!baseRef?.target) throw new NotFound(`base branch ${proposal.base ?? '(default)'} not found`, where);
  const head = r.headRef;
  const pr = r.pullRequests.nodes.find((p) => p.headRepositoryOwner?.login.toLowerCase() === repo.owner.toLowerCase()) ?? null;
  const ids = (prefix: string, names: string[], pick: (v: unknown) => string | null) =>
    Object.fromEntries(names.map((n, i) => [n, pick(prefix === 'l' ? r[`l${i}`] : data[`${prefix}${i}`])]));
  return {
    repositoryId: r.id,
    mergeMethod: allowedMergeMethod(r),
    baseBranch: baseRef.name,
    baseOid: baseRef.target.oid,
    baseFiles: filesOf(baseRef.target, paths),
    branch: head?.target
      ? {
          refId: head.id,
          headOid: head.target.oid,
          commits: head.target.history.nodes.map((n) => ({
            oid: n.oid,
            message: n.message ?? '',
            changedFiles: n.changedFilesIfAvailable ?? null,
            parentOid: n.parents?.nodes[0]?.oid ?? null,
            files: filesOf(n, paths),
          })),
        }
      : null,
    pr: pr
      ? {
          id: pr.id,
          number: pr.number,
          url: pr.url,
          title: pr.title,
          body: pr.body,
          baseRefName: pr.baseRefName,
          labels: pr.labels.nodes.map((l) => l.name),
          autoMergeEnabled: pr.autoMergeRequest !== null,
        }
      : null,
    labelIds: ids('l', proposal.labels, (v) => (v as { id: string } | null)?.id ?? null),
    userIds: ids('u', proposal.reviewers, (v) => (v as { id: string } | null)?.id ?? null),
    teamIds: ids('t', proposal.teamReviewers, (v) => (v as { team: { id: string } | null } | null)?.team?.id ?? null),
    ...(r.openPullRequests ? { openPullRequests: r.openPullRequests.nodes } : {}),
  };
}
