import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gitBlobOid } from '../../src/github/git-blob.ts';
import { publishProposal } from '../../src/github/publish-proposal.ts';
import { FakeGitHub } from './fake-github.ts';
import { BEFORE, REPO, makeClient, makeProposal } from './github-fixtures.ts';

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const images = ['app', 'api', 'web', 'worker', 'cron'];

function proposalFor(image: string, tag: string) {
  const path = `clusters/dev/${image}.yaml`;
  const before = BEFORE.replaceAll('app', image);
  const after = before.replace('1.2.3', tag);
  const base = makeProposal(tag);
  return makeProposal(tag, {
    subject: `ghcr.io-acme-${image}`,
    branch: `courier/image/dev/ghcr.io-acme-${image}`,
    title: `chore(dev): update ghcr.io/acme/${image} to ${tag}`,
    commits: [{ message: `chore(dev): update ghcr.io/acme/${image} to ${tag}`, edits: [{ path, before, after }] }],
    changeSet: { edits: [{ path, before, after }], changes: [], warnings: [] },
    metadata: { ...base.metadata, subject: `ghcr.io-acme-${image}`, images: [{ repository: `ghcr.io/acme/${image}`, tag }] },
  });
}

describe('concurrent publishers', () => {
  it('50 concurrent publishes (5 images × 10 redeliveries) → exactly one PR per image × environment, each branch = base + one commit', async () => {
    const gh = new FakeGitHub(Object.fromEntries(images.map((i) => [`clusters/dev/${i}.yaml`, BEFORE.replaceAll('app', i)])));
    gh.serve();
    const client = makeClient();
    const jobs = images.flatMap((image) => Array.from({ length: 10 }, () => proposalFor(image, '1.2.4')));
    const results = await Promise.all(jobs.map((p) => publishProposal(client, REPO, p, { retry: { retries: 10, minTimeout: 1, maxTimeout: 20 } })));

    expect(gh.prs.filter((p) => p.open)).toHaveLength(5);
    const base = gh.refs.get('main')!;
    for (const image of images) {
      const branch = `courier/image/dev/ghcr.io-acme-${image}`;
      const prs = gh.prs.filter((p) => p.head === branch);
      expect(prs).toHaveLength(1);
      expect(prs[0]!.labels).toEqual(['courier']);
      const head = gh.commits.get(gh.refs.get(branch)!)!;
      expect(head.parent).toBe(base);
      expect(gh.blobOn(branch, `clusters/dev/${image}.yaml`)).toBe(gitBlobOid(BEFORE.replaceAll('app', image).replace('1.2.3', '1.2.4')));
      const mine = results.filter((r) => r.branch === branch);
      expect(new Set(mine.map((r) => r.number))).toEqual(new Set([prs[0]!.number]));
      expect(mine.filter((r) => r.action === 'created')).toHaveLength(1);
    }
  });

  it('the same delivery received 10 times one after another → one PR, nine no-op runs with zero mutating requests', async () => {
    const gh = new FakeGitHub({ 'clusters/dev/app.yaml': BEFORE });
    gh.serve();
    const client = makeClient();
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await publishProposal(client, REPO, proposalFor('app', '1.2.4'), { retry: { minTimeout: 1, maxTimeout: 5 } }));
    expect(results.map((r) => r.action)).toEqual(['created', ...Array(9).fill('unchanged')]);
    expect(results.slice(1).every((r) => r.requests.mutating === 0 && r.requests.total === 1)).toBe(true);
    expect(gh.prs).toHaveLength(1);
  });
});

describe('multi-commit proposals', () => {
  it('chains commits with expectedHeadOid = previous commit, then re-runs as unchanged', async () => {
    const gh = new FakeGitHub({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });
    gh.serve();
    const client = makeClient();
    const proposal = makeProposal('1.2.4', {
      commits: [
        { message: 'step 1: add recipient', edits: [{ path: 'a.yaml', before: 'a: 1\n', after: 'a: 2\n' }, { path: 'b.yaml', before: 'b: 1\n', after: 'b: 2\n' }] },
        { message: 'step 2: drop old key', edits: [{ path: 'a.yaml', before: 'a: 2\n', after: 'a: 3\n' }, { path: 'old.yaml', before: null, after: null }, { path: 'b.yaml', before: 'b: 2\n', after: 'b: 2\n' }] },
      ],
      changeSet: { edits: [{ path: 'a.yaml', before: 'a: 1\n', after: 'a: 3\n' }, { path: 'b.yaml', before: 'b: 1\n', after: 'b: 2\n' }], changes: [], warnings: [] },
    });
    const first = await publishProposal(client, REPO, proposal, { retry: { minTimeout: 1, maxTimeout: 5 } });
    expect(first.action).toBe('created');
    const head = gh.commits.get(gh.refs.get(proposal.branch)!)!;
    const parent = gh.commits.get(head.parent!)!;
    expect([parent.message, head.message]).toEqual(['step 1: add recipient', 'step 2: drop old key']);
    expect(parent.parent).toBe(gh.refs.get('main'));
    expect(head.changed).toBe(1);
    expect(gh.blobOn(proposal.branch, 'a.yaml')).toBe(gitBlobOid('a: 3\n'));
    const again = await publishProposal(client, REPO, proposal, { retry: { minTimeout: 1, maxTimeout: 5 } });
    expect(again).toMatchObject({ action: 'unchanged', number: first.number });
    expect(again.requests).toEqual({ total: 1, mutating: 0 });
  });
});
