import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { gitRepository, kustomization, cond, SHA_A } from './core/reconcile/flux-fixtures.ts';
import { FakeKubeApi } from './watch/fake-kube-api.ts';
import { ReportReceiver } from './watch/report-receiver.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('reporter entrypoint', () => {
  it('runs from the environment, reports, and stops on SIGTERM', async () => {
    const api = new FakeKubeApi([
      { group: 'kustomize.toolkit.fluxcd.io', versions: ['v1'], preferred: 'v1' },
      { group: 'source.toolkit.fluxcd.io', versions: ['v1'], preferred: 'v1' },
    ]);
    await api.start();
    const app = new ReportReceiver('entrypoint-secret-0123456789');
    await app.start();
    api.put('source.toolkit.fluxcd.io', 'gitrepositories', gitRepository('fleet', 'https://github.com/acme/fleet', SHA_A));
    const rev = `main@sha1:${SHA_A}`;
    api.put('kustomize.toolkit.fluxcd.io', 'kustomizations', kustomization('apps', { lastAppliedRevision: rev, lastAttemptedRevision: rev, conditions: [cond('Ready', 'True', 'ReconciliationSucceeded', 'ok')] }));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/reporter.ts')], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        KUBECONFIG: api.writeKubeconfig(mkdtempSync(path.join(tmpdir(), 'courier-entry-'))),
        COURIER_URL: app.url.replace('/api/courier/reports', ''),
        COURIER_CLUSTER: 'cloud-dev',
        COURIER_CLUSTER_SECRET: 'entrypoint-secret-0123456789',
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    try {
      await vi.waitFor(() => expect(app.objects.map((o) => [o.name, o.state, o.revision.sha])).toEqual([['apps', 'success', SHA_A]]), { timeout: 15_000, interval: 20 });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toBe('');
    } finally {
      child.kill('SIGKILL');
      await api.stop();
      await app.stop();
    }
  });

  it('exits 2 with a clear message when configuration is missing', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/reporter.ts')], { cwd: root, env: { PATH: process.env.PATH }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toBe('courier reporter: COURIER_URL is not set\n');
  });
});
