import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KubeConnection, kubeconfigOptions } from '../../src/watch/kube-connection.ts';
import { httpPostJson } from '../../src/watch/http-post.ts';
import { silentLogger } from '../../src/watch/logger.ts';
import { ReportSender } from '../../src/watch/report-sender.ts';
import { startReporterService, type RunningReporter } from '../../src/watch/reporter-service.ts';
import { cond, gitRepository, helmRelease, kustomization, SHA_A, SHA_B } from '../core/reconcile/flux-fixtures.ts';
import { FakeKubeApi } from './fake-kube-api.ts';
import { ReportReceiver } from './report-receiver.ts';

const KS = 'kustomize.toolkit.fluxcd.io';
const HELM = 'helm.toolkit.fluxcd.io';
const SRC = 'source.toolkit.fluxcd.io';
const revA = `main@sha1:${SHA_A}`;
const revB = `main@sha1:${SHA_B}`;
const ready = (rev: string) => cond('Ready', 'True', 'ReconciliationSucceeded', `Applied revision: ${rev}`);
const appliedAt = (rev: string) => ({ lastAppliedRevision: rev, lastAttemptedRevision: rev, conditions: [ready(rev)] });

let api: FakeKubeApi;
let app: ReportReceiver;
let reporter: RunningReporter | undefined;
let connection: KubeConnection;

beforeEach(async () => {
  api = new FakeKubeApi([
    { group: KS, versions: ['v1', 'v1beta2'], preferred: 'v1' },
    // An older helm-controller: only v2beta1 is served.
    { group: HELM, versions: ['v2beta1'], preferred: 'v2beta1' },
    // A preferred version the reporter does not know: it falls back to one it does.
    { group: SRC, versions: ['v1', 'v1beta2', 'v9'], preferred: 'v9' },
  ]);
  await api.start();
  app = new ReportReceiver('s3cret');
  await app.start();
  api.put(SRC, 'gitrepositories', gitRepository('fleet', 'git@github.com:acme/fleet.git', SHA_A));
  api.put(KS, 'kustomizations', kustomization('apps', appliedAt(revA), { apiVersion: `${KS}/v1beta2` }));
  api.put(KS, 'kustomizations', kustomization('infra', appliedAt(revA)));
  api.put(HELM, 'helmreleases', helmRelease('podinfo', { lastAppliedRevision: '6.5.0', conditions: [ready('6.5.0')] }, { appliedBy: 'apps', apiVersion: `${HELM}/v2beta1` }));
});

afterEach(async () => {
  await reporter?.stop();
  reporter = undefined;
  connection?.close();
  await api.stop();
  await app.stop();
});

async function startReporter() {
  connection = new KubeConnection(await kubeconfigOptions(api.writeKubeconfig(mkdtempSync(path.join(tmpdir(), 'courier-kube-')))));
  const sender = new ReportSender({
    cluster: 'cloud-dev',
    secret: 's3cret',
    post: httpPostJson(app.url),
    log: silentLogger,
    batchWindowMs: 20,
    fullReportIntervalMs: 0,
    minRetryMs: 5,
  });
  reporter = await startReporterService({
    getJson: (p) => connection.getJson(p),
    watch: connection,
    sender,
    log: silentLogger,
    watcherOptions: { backoffMs: () => 5, pageSize: 1 },
  });
  return reporter;
}

const waitFor = <T>(fn: () => T) => vi.waitFor(fn, { timeout: 5_000, interval: 5 });
const watchRequests = () => api.requests.filter((r) => r.includes('watch=true'));
const objectsNamed = (name: string) => app.objects.filter((o) => o.name === name);

describe('reporter against a fake Kubernetes API', () => {
  it('discovers versions, lists in pages and reports every object once, signed', async () => {
    await startReporter();
    await waitFor(() => expect(app.objects).toHaveLength(3));
    expect(app.rejected).toBe(0);
    expect(api.requests).toEqual(expect.arrayContaining([`GET /apis/${KS}`, `GET /apis/${HELM}`, `GET /apis/${SRC}`]));
    const watched = watchRequests().map((r) => r.split('?')[0]!.replace('GET ', ''));
    expect(new Set(watched)).toEqual(
      new Set([`/apis/${KS}/v1/kustomizations`, `/apis/${HELM}/v2beta1/helmreleases`, `/apis/${SRC}/v1/gitrepositories`, `/apis/${SRC}/v1/ocirepositories`]),
    );
    // Two Kustomizations with a page size of 1 → a `continue` request.
    expect(api.requests.some((r) => r.startsWith(`GET /apis/${KS}/v1/kustomizations?limit=1&continue=`))).toBe(true);
    const apps = objectsNamed('apps')[0]!;
    expect(apps).toMatchObject({ kind: 'Kustomization', apiVersion: `${KS}/v1`, state: 'success', revision: { sha: SHA_A } });
    expect(apps.source).toEqual({ url: 'git@github.com:acme/fleet.git', host: 'github.com', owner: 'acme', repo: 'fleet' });
    expect(objectsNamed('podinfo')[0]).toMatchObject({ kind: 'HelmRelease', apiVersion: `${HELM}/v2beta1`, revision: { sha: SHA_A, applied: '6.5.0' } });
    expect(app.reports.every((r) => r.cluster === 'cloud-dev' && r.version === 1)).toBe(true);
  });

  it('follows a new commit through pending → in progress → success and sends only what changed', async () => {
    await startReporter();
    await waitFor(() => expect(app.objects).toHaveLength(3));
    const before = app.objects.length;
    api.put(SRC, 'gitrepositories', gitRepository('fleet', 'git@github.com:acme/fleet.git', SHA_B));
    await waitFor(() => expect(objectsNamed('apps').at(-1)).toMatchObject({ state: 'pending', revision: { sha: SHA_B } }));
    api.put(KS, 'kustomizations', kustomization('apps', { lastAppliedRevision: revA, lastAttemptedRevision: revB, conditions: [cond('Reconciling', 'True', 'Progressing', 'Running health checks'), cond('Ready', 'Unknown', 'Progressing', 'Reconciliation in progress')] }));
    await waitFor(() => expect(objectsNamed('apps').at(-1)).toMatchObject({ state: 'in_progress', revision: { sha: SHA_B } }));
    // A write that changes nothing the report shows is not sent…
    api.put(KS, 'kustomizations', kustomization('apps', { lastAppliedRevision: revA, lastAttemptedRevision: revB, conditions: [cond('Reconciling', 'True', 'Progressing', 'Running health checks'), cond('Ready', 'Unknown', 'Progressing', 'Reconciliation in progress')] }));
    api.put(KS, 'kustomizations', kustomization('apps', appliedAt(revB)));
    await waitFor(() => expect(objectsNamed('apps').at(-1)).toMatchObject({ state: 'success', revision: { sha: SHA_B } }));
    // …so "apps" went out exactly three more times; the HelmRelease follows its Kustomization to B.
    expect(app.objects.slice(before).filter((o) => o.name === 'apps').map((o) => o.state)).toEqual(['pending', 'in_progress', 'success']);
    await waitFor(() => expect(objectsNamed('podinfo').at(-1)?.revision.sha).toBe(SHA_B));
  });

  it.each(['event', 'http'] as const)('relists after 410 Gone (%s) and sees what changed and was deleted meanwhile', async (mode) => {
    const running = await startReporter();
    await waitFor(() => expect(app.objects).toHaveLength(3));
    api.goneMode = mode;
    api.compactWith(() => {
      api.put(KS, 'kustomizations', kustomization('infra', { lastAttemptedRevision: revA, conditions: [cond('Ready', 'False', 'BuildFailed', 'kustomize build failed: Deployment/infra/x invalid')] }));
      api.delete(KS, 'kustomizations', 'flux-system', 'apps');
    });
    if (mode === 'event') api.expireWatches();
    else api.dropWatches();
    await waitFor(() => expect(objectsNamed('infra').at(-1)).toMatchObject({ state: 'failure', reason: 'BuildFailed', failing: ['Deployment/infra/x'] }));
    const ks = running.watchers.find((w) => w.resource.kind === 'Kustomization')!;
    expect(ks.stats.gone).toBeGreaterThanOrEqual(1);
    expect(ks.stats.lists).toBeGreaterThanOrEqual(2);
    // "apps" is gone from the store, and with it the HelmRelease it applied stops being reportable.
    await waitFor(() => expect(running.store.size).toBe(3));
  });

  it('resumes a dropped watch from the last resourceVersion without relisting', async () => {
    const running = await startReporter();
    await waitFor(() => expect(app.objects).toHaveLength(3));
    await waitFor(() => expect(api.openWatches).toBe(4));
    const lastRv = api.put(KS, 'kustomizations', kustomization('infra', { lastAttemptedRevision: revA, conditions: [cond('Stalled', 'True', 'InvalidPath', 'path not found')] }));
    await waitFor(() => expect(objectsNamed('infra').at(-1)?.state).toBe('failure'));
    const lists = running.watchers.map((w) => w.stats.lists);
    const watchesBefore = watchRequests().length;
    api.failNext(/watch=true/, 500, 2);
    api.dropWatches();
    await waitFor(() => expect(api.openWatches).toBe(4));
    const resumed = watchRequests().slice(watchesBefore).filter((r) => r.includes('/kustomizations?'));
    expect(resumed.at(-1)).toContain(`resourceVersion=${lastRv}`);
    expect(running.watchers.map((w) => w.stats.lists)).toEqual(lists);
    api.put(KS, 'kustomizations', kustomization('infra', appliedAt(revA)));
    await waitFor(() => expect(objectsNamed('infra').at(-1)?.state).toBe('success'));
  });

  it('rejects a wrong token with a clear error', async () => {
    const bad = new KubeConnection({ server: api.url, token: 'nope' });
    await expect(startReporterService({ getJson: (p) => bad.getJson(p), watch: bad, sender: { offer() {}, start() {}, async stop() {} }, log: silentLogger })).rejects.toThrow(/HTTP 401/);
    bad.close();
  });
});
