import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { courierApp } from '../../src/app.ts';
import { fromOctokit, type OctokitLike } from '../../src/github/github-client.ts';
import { RATE_LIMIT_RETRIES, retryRateLimited } from '../../src/handlers/octokit.ts';
import { InstallationCache } from '../../src/handlers/installation-cache.ts';
import { ReleaseBatcher } from '../../src/handlers/release-batcher.ts';
import { CONFIG_YAML, INSTALLATION_TOKEN, ManualScheduler, PRIVATE_KEY, WEBHOOK_SECRET, example, fakeDeps, testProbot, tokenResponse } from './helpers.ts';
import { useStrictNock } from '../support/strict-nock.ts';

const API = 'https://api.github.com';

useStrictNock();

describe('logs', () => {
  it('never contain the installation token, the webhook secret or the private key, even at trace level', async () => {
    const { probot, logs, metrics } = testProbot(undefined, 'trace');
    const { deps } = fakeDeps();
    const batcher = new ReleaseBatcher({ scheduler: new ManualScheduler(), now: deps.now, flush: async () => [] });
    probot.load(courierApp({ deps, metrics, batcher, cache: new InstallationCache({ now: deps.now }) }));
    const payload = example('push', undefined, 4);
    payload.commits[0].modified = ['.github/courier.yml'];
    nock(API, { reqheaders: { authorization: `token ${INSTALLATION_TOKEN}` } })
      .get('/repos/Codertocat/Hello-World/contents/.github%2Fcourier.yml')
      .query(true)
      .reply(200, CONFIG_YAML, { 'content-type': 'text/plain' })
      .post('/repos/Codertocat/Hello-World/check-runs')
      .reply(201, { id: 1 });
    nock(API).post('/app/installations/1/access_tokens').reply(201, tokenResponse());
    await probot.receive({ id: 'secret-test', name: 'push', payload });

    const text = logs.text;
    // The test only means something if requests were logged at all.
    expect(text).toContain('GitHub request: POST https://api.github.com/repos/Codertocat/Hello-World/check-runs - 201');
    expect(text).toContain('courier/config on Codertocat/Hello-World@');
    // Request bodies are summarised (size, operation, paths), never logged whole (issue 13.9).
    expect(text).not.toContain('Courier config is valid');
    expect(text).toMatch(/"bytes":\d+[^\n]*GitHub request: POST https:\/\/api.github.com\/repos\/Codertocat\/Hello-World\/check-runs/);
    expect(text).not.toContain(INSTALLATION_TOKEN);
    expect(text).not.toContain(WEBHOOK_SECRET);
    for (const line of PRIVATE_KEY.split('\n').filter((l) => l.length > 20)) expect(text).not.toContain(line);
  });

  it('stay clean when a request fails and the error (with its request) is logged', async () => {
    const { probot, logs, metrics } = testProbot(undefined, 'trace');
    const { deps } = fakeDeps();
    const batcher = new ReleaseBatcher({ scheduler: new ManualScheduler(), now: deps.now, flush: async () => [] });
    probot.load(courierApp({ deps, metrics, batcher, cache: new InstallationCache({ now: deps.now }) }));
    const payload = example('push', undefined, 4);
    payload.commits[0].modified = ['.github/courier.yml'];
    nock(API).post('/app/installations/1/access_tokens').reply(201, tokenResponse());
    nock(API).get('/repos/Codertocat/Hello-World/contents/.github%2Fcourier.yml').query(true).reply(502, { message: 'Bad Gateway' });
    const error = await probot.receive({ id: 'secret-fail', name: 'push', payload }).catch((e: unknown) => e);
    // Logged the way the webhook middleware logs a failed delivery: the whole error, request included.
    probot.log.error({ err: error }, 'delivery failed');
    expect(logs.text).toContain('"authorization":"token [REDACTED]"');
    expect(logs.text).toContain('Bad Gateway');
    expect(logs.text).not.toContain(INSTALLATION_TOKEN);
    expect(logs.text).not.toContain(WEBHOOK_SECRET);
  });
});

describe('debug logs of GitHub requests', () => {
  it('name the operation, size and paths of a commit, never the files\' contents or the PR body', async () => {
    const { probot, logs } = testProbot(undefined, 'debug');
    nock(API).post('/app/installations/1/access_tokens').reply(201, tokenResponse());
    nock(API).post('/graphql').reply(200, { data: { commit0: { commit: { oid: 'c0ffee', url: 'u' } }, pr: { pullRequest: { id: 'PR_1', number: 7, url: 'u' } } } });
    const fileText = 'image: ghcr.io/acme/app:1.2.3 # secret-looking-file-content-4f7d\n'.repeat(40);
    const body = `## Update app\n${'release notes line that must not be logged\n'.repeat(20)}`;
    const octokit = await probot.auth(1);
    // Through the adapter Courier uses (it sends the document as text), and as Octokit's own graphql sends it.
    nock(API).post('/graphql').reply(200, { data: { commit0: { commit: { oid: 'c0ffee', url: 'u' } }, pr: { pullRequest: { id: 'PR_1', number: 7, url: 'u' } } } });
    const gh = fromOctokit(octokit as unknown as OctokitLike);
    const senders = [(q: string, v: Record<string, unknown>) => gh.graphql(q, v), (q: string, v: Record<string, unknown>) => octokit.graphql(q, v)];
    for (const send of senders) await send(
      'mutation CourierPublish($commit0: CreateCommitOnBranchInput!, $pr: CreatePullRequestInput!) { commit0: createCommitOnBranch(input: $commit0) { commit { oid url } } pr: createPullRequest(input: $pr) { pullRequest { id number url } } }',
      {
        commit0: {
          branch: { repositoryNameWithOwner: 'acme/fleet', branchName: 'courier/image/dev/app' },
          message: { headline: 'Update app to 1.2.3' },
          fileChanges: { additions: [{ path: 'apps/app/deployment.yaml', contents: Buffer.from(fileText).toString('base64') }], deletions: [] },
          expectedHeadOid: 'a'.repeat(40),
        },
        pr: { repositoryId: 'R_1', baseRefName: 'main', headRefName: 'courier/image/dev/app', title: 'Update app to 1.2.3', body },
      },
    );
    const lines = logs.lines.map((l) => JSON.parse(l) as { msg: string }).filter((l) => l.msg.startsWith('GitHub request: POST https://api.github.com/graphql - 200'));
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatchObject({ operation: 'CourierPublish', paths: ['apps/app/deployment.yaml'], bytes: expect.any(Number) });
    expect(logs.text).not.toContain('secret-looking-file-content');
    expect(logs.text).not.toContain(Buffer.from(fileText).toString('base64').slice(0, 40));
    expect(logs.text).not.toContain('release notes line');
  });
});

describe('rate-limit callbacks', () => {
  it(`retry ${RATE_LIMIT_RETRIES} times with a log line, then give up`, () => {
    const warnings: string[] = [];
    const octokit = { log: { warn: (m: string) => warnings.push(m) } };
    const decide = retryRateLimited('secondary');
    const request = { method: 'POST', url: '/repos/{owner}/{repo}/git/refs' };
    expect([0, 1, 2].map((count) => decide(60, request, octokit, count))).toEqual([true, true, false]);
    expect(warnings).toEqual([
      'GitHub secondary rate limit on POST /repos/{owner}/{repo}/git/refs: retry 1/2 in 60s',
      'GitHub secondary rate limit on POST /repos/{owner}/{repo}/git/refs: retry 2/2 in 60s',
      'GitHub secondary rate limit on POST /repos/{owner}/{repo}/git/refs: giving up',
    ]);
  });
});
