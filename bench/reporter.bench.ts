/**
 * Reporter benchmark (issue 4, item 8): the compiled reporter, as a child process, watches 2,000 Flux
 * objects on the fake API server while 10 status changes per second arrive for ~20 s. Prints peak RSS,
 * CPU per change and change → report-received latency; then the app side: report → check-run request
 * latency against a local fake GitHub API. Run: `node --import tsx bench/reporter.bench.ts`.
 */
import { fromOctokit, type OctokitLike } from '../src/github/github-client.ts';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProbotOctokit } from 'probot';
import { Registry } from 'prom-client';
import type { FluxObject } from '../src/core/reconcile/flux-object.ts';
import { signatureHeaders } from '../src/core/reconcile/signature.ts';
import { CheckRunWriter } from '../src/reports/check-runs.ts';
import { handleReport } from '../src/reports/handle-report.ts';
import { ReplayGuard } from '../src/reports/replay-guard.ts';
import { createReportMetrics } from '../src/reports/report-metrics.ts';
import { cond, gitRepository, helmRelease, kustomization } from '../test/core/reconcile/flux-fixtures.ts';
import { FakeKubeApi } from '../test/watch/fake-kube-api.ts';
import { ReportReceiver } from '../test/watch/report-receiver.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const data = path.join(root, 'bench/.data/reporter');
const SECRET = 'bench-secret-0123456789abcdef';
const KS = 'kustomize.toolkit.fluxcd.io';
const HELM = 'helm.toolkit.fluxcd.io';
const SRC = 'source.toolkit.fluxcd.io';
const SOURCES = 10;
const KUSTOMIZATIONS = 1_200;
const HELMRELEASES = 790;
const RATE = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
/** As deploy/reporter/deployment.yaml sets it (read from there, so the figure is the deployed one). */
const DEPLOYED_NODE_OPTIONS = /name: NODE_OPTIONS\s+value: (.+)/.exec(readFileSync(path.join(root, 'deploy/reporter/deployment.yaml'), 'utf8'))![1]!.trim();
const sha = (i: number) => (i.toString(16).padStart(8, '0') + 'f'.repeat(32)).slice(0, 40);
const mib = (kib: number) => (kib / 1024).toFixed(1);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

/** What a real API server adds around the fields the reporter reads (managedFields, inventory). */
function padded(obj: FluxObject, i: number): FluxObject {
  const o = structuredClone(obj) as any;
  o.metadata.uid = `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`;
  o.metadata.managedFields = Array.from({ length: 3 }, (_, k) => ({ manager: `controller-${k}`, operation: 'Update', apiVersion: o.apiVersion, time: '2026-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:conditions': {}, '.': {}, 'f:lastAppliedRevision': {} } } }));
  if (o.status) o.status.inventory = { entries: Array.from({ length: 15 }, (_, k) => ({ id: `apps_svc-${i}-${k}_apps_Deployment`, v: 'v1' })) };
  return o;
}

function ksStatus(i: number, seq: number) {
  const rev = `main@sha1:${sha(i % SOURCES)}`;
  return { lastAppliedRevision: rev, lastAttemptedRevision: rev, conditions: [cond('Ready', 'True', 'ReconciliationSucceeded', `Applied revision: ${rev} #${seq}`)] };
}

/** A JSON kubeconfig, like the in-cluster path the reporter needs no YAML parser. */
function jsonKubeconfig(server: string): string {
  const file = path.join(data, 'kubeconfig.json');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'fake',
    clusters: [{ name: 'fake', cluster: { server } }],
    users: [{ name: 'reporter', user: { token: 'test-token' } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'reporter' } }],
  };
  writeFileSync(file, JSON.stringify(config));
  return file;
}

function procStat(pid: number): { rssKiB: number; hwmKiB: number; cpuTicks: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM'), cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

async function reporterSide(): Promise<void> {
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data, { recursive: true });
  // As deployed: the reporter stage of the image runs the one-file bundle of `npm run build`.
  execFileSync(process.execPath, [path.join(root, 'scripts/build-app.mjs'), path.join(data, 'dist')], { stdio: 'inherit' });

  const api = new FakeKubeApi([
    { group: KS, versions: ['v1', 'v1beta2'], preferred: 'v1' },
    { group: HELM, versions: ['v2', 'v2beta2', 'v2beta1'], preferred: 'v2' },
    { group: SRC, versions: ['v1', 'v1beta2'], preferred: 'v1' },
  ]);
  await api.start();
  for (let s = 0; s < SOURCES; s++) api.put(SRC, 'gitrepositories', padded(gitRepository(s === 0 ? 'fleet' : `fleet-${s}`, `ssh://git@github.com/acme/fleet-${s}`, sha(s)), s));
  for (let i = 0; i < KUSTOMIZATIONS; i++) {
    const ks = kustomization(`app-${i}`, ksStatus(i, 0), { source: { kind: 'GitRepository', name: i % SOURCES === 0 ? 'fleet' : `fleet-${i % SOURCES}` } });
    api.put(KS, 'kustomizations', padded(ks, i));
  }
  for (let i = 0; i < HELMRELEASES; i++) {
    const hr = helmRelease(`chart-${i}`, { lastAttemptedRevision: '6.5.0', history: [{ chartVersion: '6.5.0' }], conditions: [cond('Ready', 'True', 'ReconciliationSucceeded', 'Helm upgrade succeeded')] }, { appliedBy: `app-${i}` });
    api.put(HELM, 'helmreleases', padded(hr, i));
  }
  const receiver = new ReportReceiver(SECRET);
  await receiver.start();
  const changedAt = new Map<number, number>();
  const latencies: number[] = [];
  const received = new Set<string>();
  const original = receiver.reports.push.bind(receiver.reports);
  receiver.reports.push = (...reports) => {
    const t = performance.now();
    for (const r of reports) {
      for (const o of r.objects) {
        received.add(`${o.kind}/${o.name}`);
        const seq = Number(/#(\d+)$/.exec(o.message ?? '')?.[1] ?? 0);
        const at = changedAt.get(seq);
        if (seq > 0 && at !== undefined) {
          latencies.push(t - at);
          changedAt.delete(seq);
        }
      }
    }
    return original(...reports);
  };

  const child = spawn(process.execPath, [path.join(data, 'dist/reporter.js')], {
    env: {
      PATH: process.env.PATH,
      KUBECONFIG: jsonKubeconfig(api.url),
      COURIER_URL: receiver.url.replace('/api/courier/reports', ''),
      COURIER_CLUSTER: 'bench',
      COURIER_CLUSTER_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      // As in deploy/reporter/deployment.yaml.
      NODE_OPTIONS: process.env.REPORTER_NODE_OPTIONS ?? DEPLOYED_NODE_OPTIONS,
      COURIER_FULL_REPORT_SECONDS: '0',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let peakKiB = 0;
  const sampler = setInterval(() => {
    try {
      peakKiB = Math.max(peakKiB, procStat(child.pid!).rssKiB);
    } catch {
      /* exited */
    }
  }, 50);
  const started = performance.now();
  const reportable = KUSTOMIZATIONS + HELMRELEASES;
  while (received.size < reportable) {
    if (performance.now() - started > 60_000) throw new Error(`initial report incomplete: ${received.size}/${reportable}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const initialMs = performance.now() - started;
  const idle = procStat(child.pid!);

  const cpuBefore = idle.cpuTicks;
  const total = RATE * SECONDS;
  for (let seq = 1; seq <= total; seq++) {
    const i = (seq * 7919) % KUSTOMIZATIONS;
    const ks = kustomization(`app-${i}`, ksStatus(i, seq), { source: { kind: 'GitRepository', name: i % SOURCES === 0 ? 'fleet' : `fleet-${i % SOURCES}` } });
    changedAt.set(seq, performance.now());
    api.put(KS, 'kustomizations', padded(ks, i));
    await new Promise((r) => setTimeout(r, 1000 / RATE));
  }
  const waitStart = performance.now();
  while (changedAt.size > 0 && performance.now() - waitStart < 5_000) await new Promise((r) => setTimeout(r, 20));
  const after = procStat(child.pid!);
  clearInterval(sampler);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await api.stop();
  await receiver.stop();

  const cpuMs = ((after.cpuTicks - cpuBefore) * 1000) / 100;
  console.log(`reporter (compiled, child process, NODE_OPTIONS=${process.env.REPORTER_NODE_OPTIONS ?? DEPLOYED_NODE_OPTIONS})`);
  console.log(`  objects watched: ${SOURCES + KUSTOMIZATIONS + HELMRELEASES} (reportable ${reportable}); initial full report in ${initialMs.toFixed(0)} ms`);
  console.log(`  RSS: after initial sync ${mib(idle.rssKiB)} MiB, peak ${mib(Math.max(peakKiB, after.hwmKiB))} MiB (VmHWM ${mib(after.hwmKiB)} MiB)`);
  console.log(`  changes: ${total} at ${RATE}/s; delivered ${latencies.length}, lost ${changedAt.size}`);
  console.log(`  CPU: ${cpuMs.toFixed(0)} ms over the change phase → ${(cpuMs / total).toFixed(2)} ms per change (incl. idle timers)`);
  console.log(`  status change → report received: p50 ${pct(latencies, 50).toFixed(0)} ms, p95 ${pct(latencies, 95).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`);
}

async function appSide(): Promise<void> {
  let seen: ((t: number) => void) | undefined;
  let nextId = 1;
  const github = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const t = performance.now();
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && req.url?.includes('/check-runs')) return res.end(JSON.stringify({ total_count: 0, check_runs: [] }));
      if (req.method === 'GET') return res.end(JSON.stringify({ sha: 'x', commit: { committer: { date: '2026-01-01T00:00:00Z' } } }));
      seen?.(t);
      res.statusCode = req.method === 'POST' ? 201 : 200;
      res.end(JSON.stringify({ id: req.method === 'POST' ? nextId++ : Number(req.url!.split('/').pop()), status: 'in_progress' }));
    });
  });
  await new Promise<void>((r) => github.listen(0, '127.0.0.1', r));
  const octokit = new ProbotOctokit({ auth: { token: 'ghs_bench' }, baseUrl: `http://127.0.0.1:${(github.address() as AddressInfo).port}`, retry: { enabled: false }, throttle: { enabled: false } });
  const gh = fromOctokit(octokit as unknown as OctokitLike);
  const writer = new CheckRunWriter({ clientFor: async () => gh, now: () => new Date() });
  const deps = {
    clusterSecrets: new Map([['bench', SECRET]]),
    repositoryConfig: async () => ({ environments: [{ name: 'dev', clusters: ['bench'] }] }),
    writer,
    metrics: createReportMetrics(new Registry()),
    replay: new ReplayGuard(300),
    now: () => new Date(),
  };
  const latencies: number[] = [];
  const handled: number[] = [];
  const states = ['pending', 'in_progress', 'success', 'failure'] as const;
  for (let n = 0; n < 400; n++) {
    const commit = sha(1000 + Math.floor(n / 4));
    const object = {
      kind: 'Kustomization', apiVersion: `${KS}/v1`, namespace: 'flux-system', name: 'apps',
      source: { url: 'https://github.com/acme/fleet', host: 'github.com', owner: 'acme', repo: 'fleet' },
      revision: { sha: commit }, state: states[n % 4]!, message: `change ${n}`,
    };
    const body = Buffer.from(JSON.stringify({ version: 1, cluster: 'bench', sentAt: new Date().toISOString(), objects: [object] }));
    const headers = signatureHeaders(SECRET, 'bench', Math.floor(Date.now() / 1000), body);
    const requestSeen = new Promise<number>((r) => (seen = r));
    const t0 = performance.now();
    const res = await handleReport(body, headers, deps);
    handled.push(performance.now() - t0);
    if (res.status !== 202) throw new Error(`report refused: ${res.status} ${JSON.stringify(res.body)}`);
    latencies.push((await requestSeen) - t0);
  }
  github.close();
  console.log('app (handleReport + CheckRunWriter, local fake GitHub API)');
  console.log(`  reports: ${latencies.length}; check runs created ${writer.stats.created}, updated ${writer.stats.updated}`);
  console.log(`  report → check-run write request received: p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${pct(latencies, 95).toFixed(1)} ms (first report per commit includes the commit-time and run lookups)`);
  console.log(`  full handleReport: p50 ${pct(handled, 50).toFixed(1)} ms, p95 ${pct(handled, 95).toFixed(1)} ms`);
}

await reporterSide();
await appSide();
