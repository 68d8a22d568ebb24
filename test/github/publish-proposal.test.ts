import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StaleProposal } from '../../src/github/errors.ts';
import { gitBlobOid } from '../../src/github/git-blob.ts';
import { publishProposal } from '../../src/github/publish-proposal.ts';
import { markDecorated } from '../../src/github/pr-decoration.ts';
import {
  AFTER,
  API,
  BASE,
  BEFORE,
  FILE,
  HEAD,
  NEW_BASE,
  NEW_HEAD,
  PR_ID,
  REF_ID,
  REPO,
  REPO_ID,
  commitMessage,
  historyNode,
  makeClient,
  makeProposal,
  mockGraphQL,
  prNode,
  restLabel,
  stateData,
  type GraphQLBody,
} from './github-fixtures.ts';

const fast = { retry: { minTimeout: 1, maxTimeout: 5 } };
/** The mark field of a new PR's decorate document (its body is the proposal's; checked in the first test). */
const DECORATED = { pullRequestId: PR_ID, body: expect.stringContaining('<!-- courier:decorated -->') };
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
});

describe('publishProposal', () => {
  it('opens a new PR with one mutating document for branch + Verified commit + PR, then labels/reviews/auto-merge', async () => {
    const seen: GraphQLBody[] = [];
    const proposal = makeProposal('1.2.4', { reviewers: ['alice'], teamReviewers: ['platform'], autoMerge: true });
    mockGraphQL('CourierPublishState', seen, () =>
      stateData({ extra: { u0: { id: 'U_alice' }, t0: { team: { id: 'T_platform' } } } }),
    );
    mockGraphQL('CourierPublish', seen, () => ({
      data: {
        branch: { ref: { id: REF_ID } },
        commit0: { commit: { oid: NEW_HEAD, url: `https://github.com/acme/gitops/commit/${NEW_HEAD}` } },
        pr: { pullRequest: { id: PR_ID, number: 42, url: 'https://github.com/acme/gitops/pull/42' } },
      },
    }));
    mockGraphQL('CourierDecorate', seen, () => ({
      data: { labels: { clientMutationId: null }, reviews: { clientMutationId: null }, autoMerge: { clientMutationId: null } },
    }));

    const result = await publishProposal(makeClient(), REPO, proposal, fast);

    expect(result).toMatchObject({ action: 'created', number: 42, headSha: NEW_HEAD, branch: proposal.branch, warnings: [] });
    expect(result.requests).toEqual({ total: 3, mutating: 2 });
    const state = seen[0]!;
    expect(state.variables).toMatchObject({ owner: 'acme', name: 'gitops', branch: proposal.branch, p0: FILE, l0: 'courier', u0: 'alice', t0o: 'acme', t0s: 'platform' });
    const write = seen[1]!;
    expect(write.query).toContain('branch: createRef(input: $branch)');
    expect(write.query.indexOf('createRef')).toBeLessThan(write.query.indexOf('createCommitOnBranch'));
    expect(write.query.indexOf('createCommitOnBranch')).toBeLessThan(write.query.indexOf('createPullRequest'));
    expect(write.variables).toEqual({
      branch: { repositoryId: REPO_ID, name: `refs/heads/${proposal.branch}`, oid: BASE },
      commit0: {
        branch: { repositoryNameWithOwner: 'acme/gitops', branchName: proposal.branch },
        message: { headline: 'chore(dev): update ghcr.io/acme/app to 1.2.4', body: 'clusters/dev/app.yaml: 1.2.3 → 1.2.4' },
        fileChanges: { additions: [{ path: FILE, contents: b64(AFTER) }], deletions: [] },
        expectedHeadOid: BASE,
      },
      pr: {
        repositoryId: REPO_ID,
        baseRefName: 'main',
        headRefName: proposal.branch,
        title: proposal.title,
        body: proposal.body,
        draft: false,
        maintainerCanModify: true,
      },
    });
    expect(seen[2]!.variables).toEqual({
      labels: { labelableId: PR_ID, labelIds: ['LA_courier'] },
      reviews: { pullRequestId: PR_ID, userIds: ['U_alice'], teamIds: ['T_platform'], union: true },
      autoMerge: { pullRequestId: PR_ID, mergeMethod: 'MERGE' },
      // The decoration's mark, in the same document (pr-decoration.ts).
      decorated: { pullRequestId: PR_ID, body: markDecorated(proposal.body) },
    });
  });

  it('re-running an identical proposal writes nothing: one read, zero mutating requests', async () => {
    const seen: GraphQLBody[] = [];
    const proposal = makeProposal();
    mockGraphQL('CourierPublishState', seen, () =>
      stateData({ head: { oid: HEAD, nodes: [historyNode(HEAD, BASE, commitMessage(proposal), gitBlobOid(AFTER))] }, prs: [prNode()] }),
    );
    const result = await publishProposal(makeClient(), REPO, proposal, fast);
    expect(result).toMatchObject({ action: 'unchanged', number: 42, headSha: HEAD });
    expect(result.requests).toEqual({ total: 1, mutating: 0 });
  });

  it('a branch commit that changes one file more than planned is not "unchanged": the branch is rebuilt', async () => {
    const seen: GraphQLBody[] = [];
    const proposal = makeProposal();
    mockGraphQL('CourierPublishState', seen, () =>
      stateData({ head: { oid: HEAD, nodes: [historyNode(HEAD, BASE, commitMessage(proposal), gitBlobOid(AFTER), 2)] }, prs: [prNode()] }),
    );
    mockGraphQL('CourierPublish', seen, () => ({ data: { branch: { ref: { id: REF_ID } }, commit0: { commit: { oid: NEW_HEAD, url: 'u' } } } }));
    const result = await publishProposal(makeClient(), REPO, proposal, fast);
    expect(result).toMatchObject({ action: 'updated', headSha: NEW_HEAD });
    expect(seen[1]!.variables.branch).toEqual({ refId: REF_ID, oid: BASE, force: true });
  });

  it('a new release rebuilds the branch from the fresh base and updates title and body, in one mutating request', async () => {
    const seen: GraphQLBody[] = [];
    const old = makeProposal('1.2.4');
    const proposal = makeProposal('1.2.5');
    mockGraphQL('CourierPublishState', seen, () =>
      stateData({
        base: NEW_BASE,
        head: { oid: HEAD, nodes: [historyNode(HEAD, BASE, commitMessage(old), gitBlobOid(AFTER))] },
        prs: [prNode({ title: old.title, body: markDecorated(old.body) })],
      }),
    );
    mockGraphQL('CourierPublish', seen, () => ({
      data: {
        branch: { ref: { id: REF_ID } },
        commit0: { commit: { oid: NEW_HEAD, url: 'u' } },
        pr: { pullRequest: { id: PR_ID, number: 42, url: 'https://github.com/acme/gitops/pull/42' } },
      },
    }));
    const result = await publishProposal(makeClient(), REPO, proposal, fast);
    expect(result).toMatchObject({ action: 'updated', number: 42, headSha: NEW_HEAD });
    expect(result.requests).toEqual({ total: 2, mutating: 1 });
    const write = seen[1]!;
    expect(write.query).toContain('branch: updateRef(input: $branch)');
    expect(write.query).toContain('pr: updatePullRequest(input: $pr)');
    expect(write.variables.branch).toEqual({ refId: REF_ID, oid: NEW_BASE, force: true });
    expect(write.variables.commit0).toMatchObject({
      expectedHeadOid: NEW_BASE,
      fileChanges: { additions: [{ path: FILE, contents: b64(AFTER.replace('1.2.4', '1.2.5')) }], deletions: [] },
    });
    expect(write.variables.pr).toEqual({ pullRequestId: PR_ID, title: proposal.title, body: markDecorated(proposal.body) });
  });

  it('an empty change set opens nothing', async () => {
    const seen: GraphQLBody[] = [];
    const proposal = makeProposal('1.2.3');
    mockGraphQL('CourierPublishState', seen, () => stateData({}));
    const result = await publishProposal(makeClient(), REPO, proposal, fast);
    expect(result).toMatchObject({ action: 'nothing-to-do', branch: proposal.branch });
    expect(result.number).toBeUndefined();
    expect(result.requests).toEqual({ total: 1, mutating: 0 });
  });

  it('an empty change set with the branch PR still open closes it with a comment and deletes the branch', async () => {
    const seen: GraphQLBody[] = [];
    const proposal = makeProposal('1.2.4');
    mockGraphQL('CourierPublishState', seen, () =>
      stateData({ baseBlob: gitBlobOid(AFTER), head: { oid: HEAD, nodes: [historyNode(HEAD, BASE, 'x', gitBlobOid(AFTER))] }, prs: [prNode()] }),
    );
    mockGraphQL('CourierCloseObsolete', seen, () => ({
      data: { comment: { clientMutationId: null }, close: { pullRequest: { id: PR_ID } }, deleteBranch: { clientMutationId: null } },
    }));
    const result = await publishProposal(makeClient(), REPO, proposal, { ...fast, now: () => new Date('2026-11-21T12:00:00Z') });
    expect(result).toMatchObject({ action: 'nothing-to-do', closed: 42 });
    expect(result.requests).toEqual({ total: 2, mutating: 1 });
    expect(seen[1]!.variables).toEqual({
      comment: {
        subjectId: PR_ID,
        body: 'Courier closed this pull request on 2026-11-21T12:00:00.000Z: `main` already contains everything it proposed, so nothing is left to change.',
      },
      close: { pullRequestId: PR_ID },
      deleteBranch: { refId: REF_ID },
    });
  });

  it('a compare-and-swap conflict (ref exists, head moved, PR exists) re-reads and converges without writing twice', async () => {
    const seen: GraphQLBody[] = [];
    const proposal = makeProposal();
    mockGraphQL('CourierPublishState', seen, () => stateData({}));
    mockGraphQL('CourierPublish', seen, () => ({
      data: { branch: null, commit0: null, pr: null },
      errors: [
        { type: 'UNPROCESSABLE', path: ['branch'], locations: [{ line: 2, column: 3 }], message: `A ref named "refs/heads/${proposal.branch}" already exists in the repository.` },
        { type: 'STALE_DATA', path: ['commit0'], locations: [{ line: 3, column: 3 }], message: `Expected branch to point to "${BASE}" but it did not. Pull and try again.` },
        { type: 'UNPROCESSABLE', path: ['pr'], locations: [{ line: 4, column: 3 }], message: `A pull request already exists for acme:${proposal.branch}.` },
      ],
    }));
    mockGraphQL('CourierPublishState', seen, () =>
      stateData({ head: { oid: HEAD, nodes: [historyNode(HEAD, BASE, commitMessage(proposal), gitBlobOid(AFTER))] }, prs: [prNode({ number: 7 })] }),
    );
    const result = await publishProposal(makeClient(), REPO, proposal, fast);
    expect(result).toMatchObject({ action: 'unchanged', number: 7 });
    expect(result.requests).toEqual({ total: 3, mutating: 1 });
  });

  it('a 422 "pull request already exists" race finds the other PR and updates it', async () => {
    const seen: GraphQLBody[] = [];
    const proposal = makeProposal('1.2.5');
    const other = makeProposal('1.2.4');
    mockGraphQL('CourierPublishState', seen, () =>
      stateData({ head: { oid: HEAD, nodes: [historyNode(HEAD, BASE, commitMessage(other), gitBlobOid(AFTER))] } }),
    );
    mockGraphQL('CourierPublish', seen, () => ({
      data: { branch: { ref: { id: REF_ID } }, commit0: { commit: { oid: NEW_HEAD, url: 'u' } }, pr: null },
      errors: [{ type: 'UNPROCESSABLE', path: ['pr'], message: `A pull request already exists for acme:${proposal.branch}.` }],
    }));
    mockGraphQL('CourierPublishState', seen, () =>
      stateData({
        head: { oid: NEW_HEAD, nodes: [historyNode(NEW_HEAD, BASE, commitMessage(proposal), gitBlobOid(AFTER.replace('1.2.4', '1.2.5')))] },
        prs: [prNode({ number: 9, title: other.title, body: other.body })],
      }),
    );
    mockGraphQL('CourierPublish', seen, () => ({ data: { pr: { pullRequest: { id: PR_ID, number: 9, url: 'https://github.com/acme/gitops/pull/9' } } } }));
    const result = await publishProposal(makeClient(), REPO, proposal, fast);
    expect(result).toMatchObject({ action: 'updated', number: 9, url: 'https://github.com/acme/gitops/pull/9', headSha: NEW_HEAD });
    expect(seen[3]!.query).not.toContain('createCommitOnBranch');
    expect(seen[3]!.variables).toEqual({ pr: { pullRequestId: PR_ID, title: proposal.title, body: markDecorated(proposal.body) } });
    expect(result.requests).toEqual({ total: 4, mutating: 2 });
  });

  it('creates missing labels (counted as mutating) and stays within 3 mutating requests for a new PR', async () => {
    const seen: GraphQLBody[] = [];
    const proposal = makeProposal('1.2.4', { labels: ['courier', 'env:dev'] });
    mockGraphQL('CourierPublishState', seen, () => stateData({ labels: { l0: 'LA_courier', l1: null } }));
    let labelBody: unknown;
    nock(API)
      .post('/repos/acme/gitops/labels', (body) => {
        labelBody = body;
        return true;
      })
      .reply(201, restLabel('env:dev', 'LA_envdev'));
    mockGraphQL('CourierPublish', seen, () => ({
      data: { branch: { ref: { id: REF_ID } }, commit0: { commit: { oid: NEW_HEAD, url: 'u' } }, pr: { pullRequest: { id: PR_ID, number: 42, url: 'u42' } } },
    }));
    mockGraphQL('CourierDecorate', seen, () => ({ data: { labels: { clientMutationId: null } } }));
    const result = await publishProposal(makeClient(), REPO, proposal, fast);
    expect(labelBody).toEqual({ name: 'env:dev', color: 'ededed' });
    expect(seen[2]!.variables).toEqual({ labels: { labelableId: PR_ID, labelIds: ['LA_courier', 'LA_envdev'] }, decorated: DECORATED });
    expect(result.requests).toEqual({ total: 4, mutating: 3 });
  });

  it('a label created concurrently by another replica (422 already_exists) is fetched instead', async () => {
    const seen: GraphQLBody[] = [];
    const proposal = makeProposal('1.2.4', { labels: ['courier'] });
    mockGraphQL('CourierPublishState', seen, () => stateData({ labels: { l0: null } }));
    nock(API)
      .post('/repos/acme/gitops/labels')
      .reply(422, {
        message: 'Validation Failed',
        errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
        documentation_url: 'https://docs.github.com/rest/issues/labels#create-a-label',
      });
    nock(API).get('/repos/acme/gitops/labels/courier').reply(200, restLabel('courier', 'LA_raced'));
    mockGraphQL('CourierPublish', seen, () => ({
      data: { branch: { ref: { id: REF_ID } }, commit0: { commit: { oid: NEW_HEAD, url: 'u' } }, pr: { pullRequest: { id: PR_ID, number: 42, url: 'u42' } } },
    }));
    mockGraphQL('CourierDecorate', seen, () => ({ data: { labels: { clientMutationId: null } } }));
    const result = await publishProposal(makeClient(), REPO, proposal, fast);
    expect(result.action).toBe('created');
    expect(seen[2]!.variables).toEqual({ labels: { labelableId: PR_ID, labelIds: ['LA_raced'] }, decorated: DECORATED });
  });

  it('auto-merge refused by the repository is a warning, not a failure', async () => {
    const seen: GraphQLBody[] = [];
    const proposal = makeProposal('1.2.4', { autoMerge: true });
    mockGraphQL('CourierPublishState', seen, () => stateData({}));
    mockGraphQL('CourierPublish', seen, () => ({
      data: { branch: { ref: { id: REF_ID } }, commit0: { commit: { oid: NEW_HEAD, url: 'u' } }, pr: { pullRequest: { id: PR_ID, number: 42, url: 'u42' } } },
    }));
    mockGraphQL('CourierDecorate', seen, () => ({
      data: { labels: { clientMutationId: null }, autoMerge: null },
      errors: [{ type: 'UNPROCESSABLE', path: ['autoMerge'], message: 'Pull request Auto merge is not allowed for this repository' }],
    }));
    const result = await publishProposal(makeClient(), REPO, proposal, fast);
    expect(result.action).toBe('created');
    expect(result.warnings).toEqual([{ code: 'pr-extras-failed', message: 'autoMerge: Pull request Auto merge is not allowed for this repository' }]);
  });

  it('auto-merge uses a merge method the repository allows (GitHub defaults to MERGE, refused on squash-only repositories)', async () => {
    const seen: GraphQLBody[] = [];
    const proposal = makeProposal('1.2.4', { autoMerge: true, labels: [] });
    mockGraphQL('CourierPublishState', seen, () => stateData({ labels: {}, merge: { mergeCommitAllowed: false, squashMergeAllowed: true, rebaseMergeAllowed: false } }));
    mockGraphQL('CourierPublish', seen, () => ({
      data: { branch: { ref: { id: REF_ID } }, commit0: { commit: { oid: NEW_HEAD, url: 'u' } }, pr: { pullRequest: { id: PR_ID, number: 42, url: 'u42' } } },
    }));
    mockGraphQL('CourierDecorate', seen, (body) => {
      const input = body.variables.autoMerge as { mergeMethod?: string };
      return input.mergeMethod === 'SQUASH'
        ? { data: { autoMerge: { clientMutationId: null } } }
        : { data: { autoMerge: null }, errors: [{ type: 'UNPROCESSABLE', path: ['autoMerge'], message: 'Merge commits are not allowed on this repository.' }] };
    });
    const result = await publishProposal(makeClient(), REPO, proposal, fast);
    expect(seen[0]!.query).toMatch(/mergeCommitAllowed squashMergeAllowed rebaseMergeAllowed/);
    expect(result.warnings).toEqual([]);
    expect(seen[2]!.variables).toEqual({ autoMerge: { pullRequestId: PR_ID, mergeMethod: 'SQUASH' }, decorated: DECORATED });
  });

  it('dry-run reads once, writes nothing and says what it would do', async () => {
    const seen: GraphQLBody[] = [];
    mockGraphQL('CourierPublishState', seen, () => stateData({}));
    const result = await publishProposal(makeClient(), REPO, makeProposal(), { ...fast, dryRun: true });
    expect(result).toMatchObject({ action: 'dry-run', planned: 'created' });
    expect(result.requests).toEqual({ total: 1, mutating: 0 });
  });

  it('refuses to overwrite a file that changed on base since the proposal was planned', async () => {
    const seen: GraphQLBody[] = [];
    mockGraphQL('CourierPublishState', seen, () => stateData({ baseBlob: gitBlobOid(BEFORE.replace('app', 'app # edited')) }));
    await expect(publishProposal(makeClient(), REPO, makeProposal(), fast)).rejects.toBeInstanceOf(StaleProposal);
  });

  it('deletions go through fileChanges.deletions', async () => {
    const seen: GraphQLBody[] = [];
    const proposal = makeProposal('1.2.4', {
      commits: [{ message: 'chore: remove app', edits: [{ path: FILE, before: BEFORE, after: null }] }],
      changeSet: { edits: [{ path: FILE, before: BEFORE, after: null }], changes: [], warnings: [] },
    });
    mockGraphQL('CourierPublishState', seen, () => stateData({}));
    mockGraphQL('CourierPublish', seen, () => ({
      data: { branch: { ref: { id: REF_ID } }, commit0: { commit: { oid: NEW_HEAD, url: 'u' } }, pr: { pullRequest: { id: PR_ID, number: 42, url: 'u42' } } },
    }));
    mockGraphQL('CourierDecorate', seen, () => ({ data: { labels: { clientMutationId: null } } }));
    await publishProposal(makeClient(), REPO, proposal, fast);
    expect(seen[1]!.variables.commit0).toMatchObject({
      message: { headline: 'chore: remove app' },
      fileChanges: { additions: [], deletions: [{ path: FILE }] },
    });
  });

  it('a reviewer login that does not resolve becomes a warning and is left out of requestReviews', async () => {
    const seen: GraphQLBody[] = [];
    const proposal = makeProposal('1.2.4', { reviewers: ['alice', 'ghost'], labels: [] });
    nock(API)
      .post('/graphql', (b: GraphQLBody) => b.query.includes('CourierPublishState'))
      .reply(200, () => {
        const s = stateData({ labels: {}, extra: { u0: { id: 'U_alice' }, u1: null } });
        return { ...s, errors: [{ type: 'NOT_FOUND', path: ['u1'], message: "Could not resolve to a User with the login of 'ghost'." }] };
      });
    mockGraphQL('CourierPublish', seen, () => ({
      data: { branch: { ref: { id: REF_ID } }, commit0: { commit: { oid: NEW_HEAD, url: 'u' } }, pr: { pullRequest: { id: PR_ID, number: 42, url: 'u42' } } },
    }));
    mockGraphQL('CourierDecorate', seen, () => ({ data: { reviews: { clientMutationId: null } } }));
    const result = await publishProposal(makeClient(), REPO, proposal, fast);
    expect(result.warnings).toEqual([{ code: 'reviewer-not-found', message: 'reviewer ghost does not exist or is not visible to Courier' }]);
    expect(seen[1]!.variables).toEqual({ reviews: { pullRequestId: PR_ID, userIds: ['U_alice'], teamIds: [], union: true }, decorated: DECORATED });
  });
});
