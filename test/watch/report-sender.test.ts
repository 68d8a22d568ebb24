import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportObject } from '../../src/core/reconcile/report.ts';
import { signReport } from '../../src/core/reconcile/signature.ts';
import { httpPostJson } from '../../src/watch/http-post.ts';
import { silentLogger } from '../../src/watch/logger.ts';
import { ReportSender, type ReportSenderOptions } from '../../src/watch/report-sender.ts';
import { SHA_A, SHA_B } from '../core/reconcile/flux-fixtures.ts';
import { ReportReceiver } from './report-receiver.ts';

const now = () => new Date('2026-01-01T12:00:00Z');
const obj = (name: string, state: ReportObject['state'], sha = SHA_A): ReportObject => ({
  kind: 'Kustomization',
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  namespace: 'flux-system',
  name,
  source: { url: 'https://github.com/acme/fleet', host: 'github.com', owner: 'acme', repo: 'fleet' },
  revision: { sha },
  state,
});

let app: ReportReceiver;
beforeEach(async () => {
  app = new ReportReceiver('k3y');
  await app.start();
});
afterEach(() => app.stop());

function sender(over: Partial<ReportSenderOptions> = {}) {
  return new ReportSender({ cluster: 'c1', secret: 'k3y', post: httpPostJson(app.url), log: silentLogger, now, batchWindowMs: 60_000, fullReportIntervalMs: 0, minRetryMs: 1, ...over });
}

describe('ReportSender', () => {
  it('batches, deduplicates and signs timestamp + body', async () => {
    const posted: Array<{ body: string; headers: Record<string, string> }> = [];
    const s = sender({ post: async (body, headers) => (posted.push({ body, headers }), 204) });
    s.offer('a', obj('a', 'in_progress'));
    s.offer('b', obj('b', 'success'));
    s.offer('a', obj('a', 'success'));
    await s.flush();
    s.offer('a', obj('a', 'success'));
    s.offer('b', obj('b', 'success'));
    await s.flush();
    expect(posted).toHaveLength(1);
    const report = JSON.parse(posted[0]!.body);
    expect(report).toEqual({ version: 1, cluster: 'c1', sentAt: '2026-01-01T12:00:00.000Z', objects: [obj('a', 'success'), obj('b', 'success')] });
    expect(posted[0]!.headers).toEqual({
      'x-courier-timestamp': '1767268800',
      'x-courier-signature': signReport('k3y', 1767268800, posted[0]!.body),
      'x-courier-cluster': 'c1',
    });
  });

  it('retries server errors with backoff until the app accepts', async () => {
    app.failWith.push(503, 500);
    const s = sender();
    s.offer('a', obj('a', 'failure'));
    await s.flush();
    expect(app.objects).toEqual([obj('a', 'failure')]);
    expect(s.stats).toMatchObject({ reports: 1, failed: 0 });
  });

  it('does not retry a 401, and re-sends the object on its next change', async () => {
    app.failWith.push(401);
    const s = sender();
    s.offer('a', obj('a', 'failure'));
    await s.flush();
    expect(s.stats.failed).toBe(1);
    expect(app.reports).toHaveLength(0);
    s.offer('a', obj('a', 'failure'));
    await s.flush();
    expect(app.objects).toEqual([obj('a', 'failure')]);
  });

  it('keeps a failure while the same commit is retried', async () => {
    const s = sender();
    s.offer('a', obj('a', 'failure', SHA_B));
    s.offer('a', obj('a', 'in_progress', SHA_B));
    await s.flush();
    s.offer('a', obj('a', 'success', SHA_B));
    await s.flush();
    expect(app.objects.map((o) => o.state)).toEqual(['failure', 'success']);
  });

  it('sends nothing for the periodic re-reconcile of an applied commit', async () => {
    const s = sender();
    s.offer('a', obj('a', 'success', SHA_A));
    await s.flush();
    s.offer('a', obj('a', 'in_progress', SHA_A));
    s.offer('a', obj('a', 'success', SHA_A));
    await s.flush();
    s.offer('a', obj('a', 'in_progress', SHA_B));
    await s.flush();
    expect(app.objects.map((o) => [o.state, o.revision.sha])).toEqual([['success', SHA_A], ['in_progress', SHA_B]]);
  });

  it('sends full reports in chunks, including unchanged objects', async () => {
    const s = sender({ maxObjectsPerReport: 2 });
    for (const n of ['a', 'b', 'c']) s.offer(n, obj(n, 'success'));
    await s.flush();
    await s.sendFull();
    expect(app.reports.map((r) => r.objects.map((o) => o.name))).toEqual([['a', 'b'], ['c'], ['a', 'b'], ['c']]);
    s.offer('b', undefined);
    await s.sendFull();
    expect(app.reports.at(-1)!.objects.map((o) => o.name)).toEqual(['a', 'c']);
  });

  it('sends the full report periodically once started', async () => {
    const s = sender({ fullReportIntervalMs: 5 });
    s.offer('a', obj('a', 'success'));
    s.start();
    await expect.poll(() => app.reports.length, { timeout: 5_000, interval: 5 }).toBeGreaterThanOrEqual(2);
    await s.stop();
  });
});
