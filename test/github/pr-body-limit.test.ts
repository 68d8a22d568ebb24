import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatMetadata, parseMetadata } from '../../src/core/proposal/names.ts';
import { fitPullRequestBody, MAX_PR_BODY_CHARS } from '../../src/github/pr-body-limit.ts';
import { publishProposal } from '../../src/github/publish-proposal.ts';
import { FakeGitHub } from './fake-github.ts';
import { BEFORE, FILE, REPO, makeClient, makeProposal } from './github-fixtures.ts';

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const metadata = makeProposal().metadata;
const line = (i: number) => `- \`clusters/dev/svc-${i}/deployment.yaml\`: \`ghcr.io/acme/svc-${i}\` 1.10.0 → 1.11.0\n`;
const longBody = () => `## 1600 changes\n\n${Array.from({ length: 1600 }, (_, i) => line(i)).join('')}\n${formatMetadata(metadata)}`;

describe('fitPullRequestBody', () => {
  it('leaves a body within the limit alone', () => {
    const body = `short\n\n${formatMetadata(metadata)}`;
    expect(fitPullRequestBody(body)).toBe(body);
  });

  it('cuts the visible part at a line end, says so, and keeps the metadata block whole', () => {
    const body = longBody();
    expect(body.length).toBeGreaterThan(MAX_PR_BODY_CHARS);
    const fitted = fitPullRequestBody(body);
    expect(fitted.length).toBeLessThanOrEqual(MAX_PR_BODY_CHARS);
    expect(parseMetadata(fitted)).toEqual(metadata);
    expect(fitted).toContain(line(0));
    expect(fitted).not.toContain(line(1599));
    expect(fitted).toContain(`${body.indexOf('<!-- courier-metadata')} characters in all`);
    expect(fitted.split('<!-- courier-metadata')[0]!.split('\n').filter((l) => l.startsWith('- ')).every((l) => l.endsWith('1.11.0'))).toBe(true);
    expect(fitPullRequestBody(fitted)).toBe(fitted);
  });
});

describe('the write path with a body over GitHub’s limit', () => {
  it('opens the PR (GitHub would refuse the whole body), then a re-run is unchanged', async () => {
    const gh = new FakeGitHub({ [FILE]: BEFORE });
    gh.serve();
    const proposal = makeProposal('1.2.4', { body: longBody() });
    const first = await publishProposal(makeClient(), REPO, proposal, { retry: { minTimeout: 1, maxTimeout: 5 } });
    expect(first.action).toBe('created');
    const pr = gh.prs[0]!;
    expect(pr.body.length).toBeLessThanOrEqual(MAX_PR_BODY_CHARS);
    expect(parseMetadata(pr.body)).toEqual(metadata);
    const again = await publishProposal(makeClient(), REPO, proposal, { retry: { minTimeout: 1, maxTimeout: 5 } });
    expect(again).toMatchObject({ action: 'unchanged', requests: { total: 1, mutating: 0 } });
  });
});
