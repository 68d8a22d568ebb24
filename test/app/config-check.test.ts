import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { courierApp } from '../../src/app.ts';
import { InstallationCache } from '../../src/handlers/installation-cache.ts';
import { ReleaseBatcher } from '../../src/handlers/release-batcher.ts';
import { CONFIG_YAML, ManualScheduler, example, fakeDeps, testProbot, tokenResponse } from './helpers.ts';
import { useStrictNock } from '../support/strict-nock.ts';

const API = 'https://api.github.com';
const CONFIG = '/repos/Codertocat/Hello-World/contents/.github%2Fcourier.yml';
const yaml = (text: string) => [200, text, { 'content-type': 'application/vnd.github.raw+json; charset=utf-8' }] as const;
const PUSH_SHA = '6113728f27ae82c7b1a177c8d03f9e96e0adf246';
const PR_SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
const INVALID = `environments:
  - name: dev
    clusters: cloud-dev
  - clusters: [x]
`;

function setup() {
  const { probot, logs, metrics } = testProbot();
  const { deps, updates } = fakeDeps();
  const batcher = new ReleaseBatcher({ scheduler: new ManualScheduler(), now: deps.now, flush: async () => [] });
  probot.load(courierApp({ deps, metrics, batcher, cache: new InstallationCache({ now: deps.now }) }));
  return { probot, logs, updates };
}

/** The real push example (to the default branch, installation 1), with the config among its changes. */
function pushTouchingConfig() {
  const payload = example('push', undefined, 4);
  payload.commits[0].modified = ['README.md', '.github/courier.yml'];
  return payload;
}

function checkRuns(bodies: unknown[]) {
  return nock(API)
    .post('/repos/Codertocat/Hello-World/check-runs', (body) => {
      bodies.push(body);
      return true;
    })
    .reply(201, { id: 4, name: 'courier/config' });
}

useStrictNock();

describe('courier/config check run', () => {
  it('a push to the default branch with a valid config gets a successful check on its head commit', async () => {
    const { probot } = setup();
    const bodies: unknown[] = [];
    nock(API).post('/app/installations/1/access_tokens').reply(201, tokenResponse());
    nock(API).get(CONFIG).query({ ref: PUSH_SHA }).reply(...yaml(CONFIG_YAML));
    checkRuns(bodies);
    await probot.receive({ id: 'push-1', name: 'push', payload: pushTouchingConfig() });
    expect(bodies).toEqual([
      {
        name: 'courier/config',
        head_sha: PUSH_SHA,
        status: 'completed',
        completed_at: '2026-01-02T03:04:05.000Z',
        conclusion: 'success',
        output: { title: 'Courier config is valid', summary: '`.github/courier.yml` is valid.' },
      },
    ]);
  });

  it('an invalid config fails the check, listing every problem with its path and line', async () => {
    const { probot } = setup();
    const bodies: unknown[] = [];
    nock(API).post('/app/installations/1/access_tokens').reply(201, tokenResponse());
    // Once through the config plugin, once raw to find the lines of the problems.
    nock(API).get(CONFIG).query({ ref: PUSH_SHA }).times(2).reply(...yaml(INVALID));
    checkRuns(bodies);
    await probot.receive({ id: 'push-2', name: 'push', payload: pushTouchingConfig() });
    expect(bodies).toEqual([
      {
        name: 'courier/config',
        head_sha: PUSH_SHA,
        status: 'completed',
        completed_at: '2026-01-02T03:04:05.000Z',
        conclusion: 'failure',
        output: {
          title: 'Courier config: 2 problems',
          summary: [
            '`.github/courier.yml` is invalid (2 problems); Courier uses nothing from it until it is fixed.',
            '',
            '- `environments[0].clusters` (line 3): must be a list of cluster names',
            '- `environments[1].name` (line 4): is required',
          ].join('\n'),
          annotations: [
            { path: '.github/courier.yml', start_line: 3, end_line: 3, annotation_level: 'failure', title: 'environments[0].clusters', message: 'must be a list of cluster names' },
            { path: '.github/courier.yml', start_line: 4, end_line: 4, annotation_level: 'failure', title: 'environments[1].name', message: 'is required' },
          ],
        },
      },
    ]);
  });

  it('a YAML syntax error is reported with its line', async () => {
    const { probot } = setup();
    const bodies: Array<{ conclusion: string; output: { summary: string; annotations: Array<{ start_line: number }> } }> = [];
    nock(API).post('/app/installations/1/access_tokens').reply(201, tokenResponse());
    nock(API).get(CONFIG).query({ ref: PUSH_SHA }).reply(...yaml('environments:\n  - name: dev\n  bad: [\n'));
    checkRuns(bodies);
    await probot.receive({ id: 'push-3', name: 'push', payload: pushTouchingConfig() });
    expect(bodies[0]!.conclusion).toBe('failure');
    expect(bodies[0]!.output.summary).toMatch(/invalid YAML/);
    expect(bodies[0]!.output.annotations.map((a) => a.start_line)).toEqual([3]);
  });

  it('a push that does not touch the config, or is not on the default branch, is left alone', async () => {
    const { probot } = setup();
    await probot.receive({ id: 'push-4', name: 'push', payload: example('push', undefined, 4) });
    const tagPush = example('push', undefined, 0);
    tagPush.installation = { id: 1 };
    await probot.receive({ id: 'push-5', name: 'push', payload: tagPush });
  });

  it('a pull request changing the config is checked at its head commit', async () => {
    const { probot } = setup();
    const bodies: Array<{ head_sha: string; conclusion: string }> = [];
    nock(API).post('/app/installations/1/access_tokens').reply(201, tokenResponse());
    nock(API)
      .get('/repos/Codertocat/Hello-World/pulls/2/files')
      .query({ per_page: 100 })
      .reply(200, [{ filename: 'README.md', status: 'modified' }, { filename: '.github/courier.yml', status: 'added' }]);
    nock(API).get(CONFIG).query({ ref: PR_SHA }).reply(...yaml(CONFIG_YAML));
    checkRuns(bodies);
    await probot.receive({ id: 'pr-1', name: 'pull_request', payload: example('pull_request', 'synchronize') });
    expect(bodies.map((b) => [b.head_sha, b.conclusion])).toEqual([[PR_SHA, 'success']]);
  });

  it('a YAML error in a file a pull request reaches through _extends is reported without that file\'s lines', async () => {
    const { probot } = setup();
    const bodies: Array<{ conclusion: string; output: { summary: string; annotations: Array<{ message: string }> } }> = [];
    const secret = 'pg-password-9f8e7d6c5b4a';
    nock(API).post('/app/installations/1/access_tokens').reply(201, tokenResponse());
    nock(API)
      .get('/repos/Codertocat/Hello-World/pulls/2/files')
      .query({ per_page: 100 })
      .reply(200, [{ filename: '.github/courier.yml', status: 'modified' }]);
    nock(API).get(CONFIG).query({ ref: PR_SHA }).reply(...yaml('_extends: Codertocat/infra:clusters/prod/db.yaml\n'));
    // A private file the installation can read; its second line is not valid YAML.
    nock(API).get('/repos/Codertocat/infra/contents/clusters%2Fprod%2Fdb.yaml').reply(...yaml(`kind: Secret\npassword: ${secret}: x\n`));
    checkRuns(bodies);
    await probot.receive({ id: 'pr-3', name: 'pull_request', payload: example('pull_request', 'synchronize') });
    expect(bodies[0]!.conclusion).toBe('failure');
    expect(bodies[0]!.output.summary).toMatch(/clusters%2Fprod%2Fdb\.yaml \(invalid YAML\)/);
    expect(JSON.stringify(bodies[0])).not.toContain(secret);
  });

  it('a pull request not touching the config gets no check run', async () => {
    const { probot } = setup();
    nock(API).post('/app/installations/1/access_tokens').reply(201, tokenResponse());
    nock(API).get('/repos/Codertocat/Hello-World/pulls/2/files').query({ per_page: 100 }).reply(200, [{ filename: 'README.md' }]);
    await probot.receive({ id: 'pr-2', name: 'pull_request', payload: example('pull_request', 'opened', 1) });
  });
});
