import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitBlobOid } from '../../src/github/git-blob.ts';
import { readEarlyState } from '../../src/github/early-state.ts';
import { publishProposal } from '../../src/github/publish-proposal.ts';
import { FakeGitHub } from './fake-github.ts';
import { AFTER, BEFORE, FILE, REPO, makeClient, makeProposal } from './github-fixtures.ts';

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const fast = { retry: { minTimeout: 1, maxTimeout: 5 } };
const skeleton = () => ({ ...makeProposal('1.2.4'), base: 'main', commits: [] });
const proposal = () => ({ ...makeProposal('1.2.4'), base: 'main' });

describe('a state read made while planning', () => {
  it('stands in for the write path’s read when the branch is new and base has not moved: the write needs no read of its own', async () => {
    const gh = new FakeGitHub({ [FILE]: BEFORE });
    gh.serve();
    const early = readEarlyState(makeClient(), REPO, skeleton());
    early.baseSha = gh.refs.get('main');
    const result = await publishProposal(makeClient(), REPO, proposal(), { ...fast, early });
    expect(result).toMatchObject({ action: 'created', requests: { total: 2, mutating: 2 } });
    expect(gh.blobOn(proposal().branch, FILE)).toBe(gitBlobOid(AFTER));
    expect(gh.prs.map((p) => p.labels)).toEqual([['courier']]);
  });

  it('is not used when base moved since the plan was made: the write path reads again and finds the stale file', async () => {
    const gh = new FakeGitHub({ [FILE]: BEFORE });
    gh.serve();
    const early = readEarlyState(makeClient(), REPO, skeleton());
    early.baseSha = 'f'.repeat(40);
    // The plan read other text than base now holds: its commit's `before` says so.
    const stale = { ...proposal(), commits: proposal().commits.map((c) => ({ ...c, edits: c.edits.map((e) => ({ ...e, before: 'other: text\n' })) })) };
    await expect(publishProposal(makeClient(), REPO, stale, { ...fast, early })).rejects.toThrow(/re-plan/);
    expect(gh.prs).toEqual([]);
  });

  it('is not used when the branch exists: the write path reads its commits and finds nothing to change', async () => {
    const gh = new FakeGitHub({ [FILE]: BEFORE });
    gh.serve();
    await publishProposal(makeClient(), REPO, proposal(), fast);
    const early = readEarlyState(makeClient(), REPO, skeleton());
    early.baseSha = gh.refs.get('main');
    const again = await publishProposal(makeClient(), REPO, proposal(), { ...fast, early });
    expect(again).toMatchObject({ action: 'unchanged', requests: { total: 1, mutating: 0 } });
  });
});
