import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishWithSupersede } from '../../src/github/publish-with-supersede.ts';
import { imageSupersedeRule } from '../../src/core/image-update/image-supersede-rule.ts';
import { FakeGitHub } from './fake-github.ts';
import { BEFORE, FILE, REPO, makeClient, makeProposal, parseMeta } from './github-fixtures.ts';

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const fast = { rule: imageSupersedeRule, retry: { minTimeout: 1, maxTimeout: 5 }, parseMetadata: parseMeta, singleRead: true };

describe('publishWithSupersede with singleRead (update strategy, open PRs listed in the state read)', () => {
  it('updates the same-branch PR in place and closes a covered PR on another branch, without a list query', async () => {
    const gh = new FakeGitHub({ [FILE]: BEFORE });
    gh.serve();
    const older = makeProposal('1.2.4', { branch: 'courier/image/dev/images-app', subject: 'images-app' });
    const first = await publishWithSupersede(makeClient(), REPO, older, fast);
    expect(first).toMatchObject({ action: 'created', number: 1, superseded: [], requests: { total: 3, mutating: 2 } });

    const sameBranch = await publishWithSupersede(makeClient(), REPO, makeProposal('1.2.4'), fast);
    expect(sameBranch).toMatchObject({ action: 'created', number: 2, superseded: [1] });
    expect(gh.prs.map((p) => [p.number, p.open])).toEqual([[1, false], [2, true]]);
    expect(gh.prs[0]!.comments).toEqual([expect.stringContaining('Superseded by #2')]);

    const newer = await publishWithSupersede(makeClient(), REPO, makeProposal('1.2.5'), fast);
    expect(newer).toMatchObject({ action: 'updated', number: 2, superseded: [], requests: { total: 2, mutating: 1 } });
    expect(gh.prs[1]!.body).toContain('superseded 1.2.4 → now 1.2.5');
    expect(gh.prs.filter((p) => p.open)).toHaveLength(1);
  });
});
