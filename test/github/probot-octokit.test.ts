import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { expect, it } from 'vitest';
import { NotFound } from '../../src/github/errors.ts';
import { fromOctokit, type OctokitLike } from '../../src/github/github-client.ts';
import { API } from './github-fixtures.ts';
import { useStrictNock } from '../support/strict-nock.ts';

useStrictNock();

it("Probot's Octokit (retry and throttling off) satisfies the adapter and its errors come out typed", async () => {
  const octokit: OctokitLike = new ProbotOctokit({ auth: { token: 'test-token-not-real' }, retry: { enabled: false }, throttle: { enabled: false } });
  nock(API).get('/repos/acme/gitops').reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/repos#get-a-repository' });
  await expect(fromOctokit(octokit).request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'gitops' })).rejects.toBeInstanceOf(NotFound);
});
