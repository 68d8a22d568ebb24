import { fromOctokit } from '../../src/github/github-client.ts';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkRunContent } from '../../src/reports/check-run-summary.ts';
import { CheckRunWriter } from '../../src/reports/check-runs.ts';
import { checkRun, NOW, reportObject, testOctokit } from './report-fixtures.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const NAME = 'courier/prod/cloud-prod';
const base = { owner: 'acme', repo: 'fleet', environment: 'prod', cluster: 'cloud-prod' };

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
  nock.enableNetConnect();
});

const writer = () => new CheckRunWriter({ clientFor: async () => fromOctokit(testOctokit()), now: () => NOW });
const github = () => nock('https://api.github.com');
const noCommit = (scope: nock.Scope, sha: string) => scope.get(`/repos/acme/fleet/commits/${sha}`).reply(404, { message: 'Not Found' });
const lookup = (scope: nock.Scope, sha: string, runs: unknown[]) =>
  scope.get(`/repos/acme/fleet/commits/${sha}/check-runs`).query({ check_name: NAME, filter: 'latest', per_page: '20' }).reply(200, { total_count: runs.length, check_runs: runs });

describe('CheckRunWriter after an app restart', () => {
  it('updates the unfinished run it finds instead of creating a second one', async () => {
    const scope = github();
    noCommit(scope, A);
    lookup(scope, A, [checkRun(41, A, NAME, 'queued')]);
    scope
      .patch('/repos/acme/fleet/check-runs/41', (body) => {
        expect(body).toMatchObject({ status: 'completed', conclusion: 'failure' });
        expect(body.output.title).toBe('cloud-prod: 1 failed — Kustomization flux-system/apps (HealthCheckFailed)');
        expect(body.output.summary).toContain('failing: Deployment/apps/web');
        return true;
      })
      .reply(200, checkRun(41, A, NAME, 'completed', 'failure'));
    await writer().apply({ ...base, objects: [reportObject('apps', 'failure', A, { reason: 'HealthCheckFailed', message: 'timeout', failing: ['Deployment/apps/web'] })] });
  });

  it('adds a new run when the one it finds is finished and the cluster is working again', async () => {
    const scope = github();
    noCommit(scope, A);
    lookup(scope, A, [checkRun(41, A, NAME, 'completed', 'failure')]);
    scope
      .post('/repos/acme/fleet/check-runs', (body) => body.name === NAME && body.head_sha === A && body.status === 'in_progress')
      .reply(201, checkRun(42, A, NAME, 'in_progress'));
    await writer().apply({ ...base, objects: [reportObject('apps', 'in_progress', A)] });
  });
});

describe('CheckRunWriter and runs it did not write', () => {
  it('leaves an unfinished run of the same name from a workflow or another app alone and creates its own', async () => {
    const scope = github();
    noCommit(scope, A);
    lookup(scope, A, [{ ...checkRun(41, A, NAME, 'in_progress'), external_id: null }]);
    scope
      .post('/repos/acme/fleet/check-runs', (body) => body.name === NAME && body.external_id === 'prod/cloud-prod' && body.status === 'in_progress')
      .reply(201, checkRun(42, A, NAME, 'in_progress'));
    await writer().apply({ ...base, objects: [reportObject('apps', 'in_progress', A)] });
  });
});

describe('CheckRunWriter across commits', () => {
  it('completes as superseded a run whose objects all moved to a newer commit', async () => {
    const w = writer();
    const scope = github();
    noCommit(scope, A);
    lookup(scope, A, []);
    scope.post('/repos/acme/fleet/check-runs', (b) => b.head_sha === A && b.status === 'queued').reply(201, checkRun(1, A, NAME, 'queued'));
    await w.apply({ ...base, objects: [reportObject('apps', 'pending', A)] });

    noCommit(scope, B);
    lookup(scope, B, []);
    scope.post('/repos/acme/fleet/check-runs', (b) => b.head_sha === B && b.status === 'queued').reply(201, checkRun(2, B, NAME, 'queued'));
    scope
      .patch('/repos/acme/fleet/check-runs/1', (b) => b.status === 'completed' && b.conclusion === 'neutral' && /superseded/.test(b.output.title))
      .reply(200, checkRun(1, A, NAME, 'completed', 'neutral'));
    await w.apply({ ...base, objects: [reportObject('apps', 'pending', B)] });
    expect(w.stats).toMatchObject({ created: 2, updated: 1 });
  });
});

describe('checkRunContent', () => {
  const objs = [
    reportObject('apps', 'success', B, { lastTransitionTime: '2026-01-01T13:05:30Z' }),
    reportObject('infra', 'in_progress', B),
    { ...reportObject('podinfo', 'failure', A, { message: 'a | b\nc' }), kind: 'HelmRelease' as const, namespace: 'apps' },
  ];

  it('decides the status from the objects at the commit and lists all of them', () => {
    const c = checkRunContent('cloud-prod', B, objs, new Date('2026-01-01T12:00:00Z'));
    expect(c.status).toBe('in_progress');
    expect(c.conclusion).toBeUndefined();
    expect(c.summary.split('\n').slice(2)).toEqual([
      '| object | state | reason | message | lead time |',
      '| --- | --- | --- | --- | --- |',
      '| HelmRelease apps/podinfo | ❌ failure at `aaaaaaa` |  | a \\| b c |  |',
      '| Kustomization flux-system/apps | ✅ success |  |  | 1h 5m |',
      '| Kustomization flux-system/infra | 🔄 in progress |  |  |  |',
    ]);
  });

  it.each([
    [['pending', 'success'], 'queued', undefined],
    [['success', 'success'], 'completed', 'success'],
    [['failure', 'in_progress'], 'completed', 'failure'],
  ] as const)('%j → %s %s', (states, status, conclusion) => {
    const c = checkRunContent('c', B, states.map((s, i) => reportObject(`o${i}`, s, B)), undefined);
    expect([c.status, c.conclusion]).toEqual([status, conclusion]);
  });
});
