import nock from 'nock';
import { pino } from 'pino';
import { Probot } from 'probot';
import { afterEach, describe, expect, it } from 'vitest';
import { createCourierOctokit } from '../../src/handlers/octokit.ts';
import { createMetrics } from '../../src/metrics.ts';
import { LogCapture, PRIVATE_KEY, tokenResponse } from './helpers.ts';

const API = 'https://api.github.com';
const SECONDARY = { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' };

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
});

/** A Probot whose Octokit keeps the real throttling plugin on (retry off, so only throttling retries). */
async function installationClient() {
  nock.disableNetConnect();
  const logs = new LogCapture();
  const metrics = createMetrics();
  const probot = new Probot({
    appId: 1,
    privateKey: PRIVATE_KEY,
    log: pino({ level: 'warn' }, logs),
    // One millisecond per retry-after second keeps the test fast; the waits themselves are the plugin's.
    Octokit: createCourierOctokit(metrics, { retry: false, retryAfterBaseMs: 1 }),
  });
  nock(API).post('/app/installations/1/access_tokens').reply(201, tokenResponse());
  return { octokit: await probot.auth(1), logs, metrics };
}

describe('secondary rate limits through the real throttling plugin', () => {
  it('are retried twice with a warning each time', async () => {
    const { octokit, logs, metrics } = await installationClient();
    nock(API).get('/repos/acme/gitops').times(2).reply(403, SECONDARY, { 'retry-after': '3' });
    nock(API).get('/repos/acme/gitops').reply(200, { name: 'gitops' }, { 'x-ratelimit-remaining': '4000' });
    const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'gitops' });
    expect(data).toEqual({ name: 'gitops' });
    expect(logs.messages()).toEqual([
      'GitHub secondary rate limit on GET /repos/{owner}/{repo}: retry 1/2 in 3s',
      'GitHub secondary rate limit on GET /repos/{owner}/{repo}: retry 2/2 in 3s',
    ]);
    expect(await metrics.registry.getSingleMetricAsString('courier_github_requests_total')).toContain(
      'courier_github_requests_total{route="/repos/{owner}/{repo}",method="GET"} 3',
    );
  });

  it('then fail, so the delivery fails and can be redelivered', async () => {
    const { octokit, logs } = await installationClient();
    nock(API).get('/repos/acme/gitops').times(3).reply(403, SECONDARY, { 'retry-after': '3' });
    await expect(octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'gitops' })).rejects.toMatchObject({ status: 403 });
    expect(logs.messages().at(-1)).toBe('GitHub secondary rate limit on GET /repos/{owner}/{repo}: giving up');
  });
});
