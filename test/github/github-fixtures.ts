/**
 * Shared fixtures for the GitHub write-path tests: a real Octokit against nock, GraphQL mocks that
 * capture request bodies, and GitHub-shaped responses.
 */
import { Octokit } from '@octokit/core';
import { markDecorated } from '../../src/github/pr-decoration.ts';
import nock from 'nock';
import type { components } from '@octokit/openapi-types';
import type { Proposal, ProposalMetadata } from '../../src/core/proposal/proposal.ts';
import { fromOctokit, type GitHubClient } from '../../src/github/github-client.ts';
import { gitBlobOid } from '../../src/github/git-blob.ts';

export const API = 'https://api.github.com';
export const REPO = { owner: 'acme', repo: 'gitops' };
export const REPO_ID = 'R_kgDOacme01';
export const BASE = 'a'.repeat(40);
export const NEW_BASE = 'b'.repeat(40);
export const HEAD = 'c'.repeat(40);
export const NEW_HEAD = 'd'.repeat(40);
export const REF_ID = 'REF_kwDOacme01';
export const PR_ID = 'PR_kwDOacme0042';

export const FILE = 'clusters/dev/app.yaml';
export const BEFORE = 'image: ghcr.io/acme/app:1.2.3 # {"$imagepolicy": "flux-system:app"}\n';
export const AFTER = 'image: ghcr.io/acme/app:1.2.4 # {"$imagepolicy": "flux-system:app"}\n';

/** A GitHub client over a real Octokit (no retry/throttle plugins) that nock intercepts. */
export function makeClient(): GitHubClient {
  return fromOctokit(new Octokit({ auth: 'test-token-not-real' }));
}

/** Test-local metadata block: `<!-- courier-metadata {json} -->`. */
export function formatMeta(meta: ProposalMetadata): string {
  return `<!-- courier-metadata ${JSON.stringify(meta)} -->`;
}

/** Parses what `formatMeta` wrote. */
export function parseMeta(body: string): ProposalMetadata | null {
  const m = /<!-- courier-metadata (.*?) -->/.exec(body);
  return m ? (JSON.parse(m[1]!) as ProposalMetadata) : null;
}

/** An image proposal moving `ghcr.io/acme/app` to `tag` in dev. */
export function makeProposal(tag = '1.2.4', over: Partial<Proposal> = {}): Proposal {
  const after = AFTER.replace('1.2.4', tag);
  const metadata: ProposalMetadata = {
    version: 1,
    kind: 'image',
    environment: 'dev',
    subject: 'ghcr.io-acme-app',
    images: [{ repository: 'ghcr.io/acme/app', tag }],
  };
  return {
    kind: 'image',
    environment: 'dev',
    subject: 'ghcr.io-acme-app',
    branch: 'courier/image/dev/ghcr.io-acme-app',
    title: `chore(dev): update ghcr.io/acme/app to ${tag}`,
    body: `Moves ghcr.io/acme/app to ${tag}.\n\n${formatMeta(metadata)}`,
    labels: ['courier'],
    reviewers: [],
    teamReviewers: [],
    autoMerge: false,
    commits: [{ message: `chore(dev): update ghcr.io/acme/app to ${tag}\n\nclusters/dev/app.yaml: 1.2.3 → ${tag}`, edits: [{ path: FILE, before: BEFORE, after }] }],
    changeSet: { edits: [{ path: FILE, before: BEFORE, after }], changes: [], warnings: [] },
    metadata,
    ...over,
  };
}

/** GraphQL request bodies seen by the mocks, in order. */
export interface GraphQLBody {
  query: string;
  variables: Record<string, unknown>;
}

/**
 * Mocks one POST /graphql whose document is the named operation; the body is pushed to `seen`.
 * `reply` gets the body and returns the JSON GitHub would answer (200).
 */
export function mockGraphQL(op: string, seen: GraphQLBody[], reply: (body: GraphQLBody) => object): nock.Scope {
  return nock(API)
    .post('/graphql', (body: GraphQLBody) => new RegExp(`^\\s*(query|mutation) ${op}\\(`).test(body.query))
    .reply(200, (_uri, body) => {
      const b = body as GraphQLBody;
      seen.push(b);
      return reply(b);
    });
}

/** A commit node of the branch history, as the state query selects it. */
export function historyNode(oid: string, parent: string, message: string, blob: string | null, changed = 1) {
  return {
    oid,
    message,
    changedFilesIfAvailable: changed,
    parents: { nodes: [{ oid: parent }] },
    f0: blob === null ? null : { oid: blob },
  };
}

/** An open PR node, as the state query selects it: one Courier opened and decorated (pr-decoration.ts). */
export function prNode(over: Partial<{ id: string; number: number; title: string; body: string; labels: string[]; autoMerge: boolean }> = {}) {
  const number = over.number ?? 42;
  return {
    id: over.id ?? PR_ID,
    number,
    url: `https://github.com/acme/gitops/pull/${number}`,
    title: over.title ?? 'chore(dev): update ghcr.io/acme/app to 1.2.4',
    body: over.body ?? markDecorated(makeProposal().body),
    baseRefName: 'main',
    headRepositoryOwner: { login: 'acme' },
    labels: { nodes: (over.labels ?? ['courier']).map((name) => ({ name })) },
    autoMergeRequest: over.autoMerge ? { enabledAt: '2026-11-21T10:00:00Z' } : null,
  };
}

/** The state query's answer. */
export function stateData(o: {
  base?: string;
  baseBlob?: string | null;
  head?: { oid: string; nodes: ReturnType<typeof historyNode>[] } | null;
  prs?: ReturnType<typeof prNode>[];
  labels?: Record<string, string | null>;
  /** The repository's allowed merge methods; all allowed unless said. */
  merge?: { mergeCommitAllowed: boolean; squashMergeAllowed: boolean; rebaseMergeAllowed: boolean };
  extra?: Record<string, unknown>;
}) {
  const baseBlob = o.baseBlob === undefined ? gitBlobOid(BEFORE) : o.baseBlob;
  return {
    data: {
      repository: {
        id: REPO_ID,
        ...(o.merge ?? { mergeCommitAllowed: true, squashMergeAllowed: true, rebaseMergeAllowed: true }),
        defaultBranchRef: { name: 'main', target: { oid: o.base ?? BASE, f0: baseBlob === null ? null : { oid: baseBlob } } },
        headRef: o.head ? { id: REF_ID, target: { oid: o.head.oid, history: { nodes: o.head.nodes } } } : null,
        pullRequests: { nodes: o.prs ?? [] },
        ...Object.fromEntries(Object.entries(o.labels ?? { l0: 'LA_courier' }).map(([k, id]) => [k, id ? { id } : null])),
      },
      ...(o.extra ?? {}),
    },
  };
}

/** A label as the REST API returns it (`components["schemas"]["label"]`). */
export function restLabel(name: string, nodeId: string): components['schemas']['label'] {
  return {
    id: 208045946,
    node_id: nodeId,
    url: `https://api.github.com/repos/acme/gitops/labels/${name}`,
    name,
    description: null,
    color: 'ededed',
    default: false,
  };
}

/** The message GitHub gives commits made by `createCommitOnBranch` for this proposal. */
export function commitMessage(p: Proposal): string {
  return p.commits[0]!.message;
}
