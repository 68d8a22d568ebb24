/**
 * Staged rollout end to end (issue 9, point 8): the rollout fleet's app folder (gitops-istio's
 * apps/frontend) applied by nine clusters, a copy `apps/frontend-v2` merged, the real wiring
 * (`createCourierDeps` + `runServer`, Octokit retry and throttling ON so writes are paced as GitHub
 * asks) against the fake GitHub of `test/support/`. Each sample merges the open switch PR of cluster
 * *n*, then times cluster *n*'s healthy report (signed report → check run → GitHub's
 * `check_run.completed` webhook) until the switch PR of cluster *n+1* is open with its gate check, and
 * counts the requests. Default configuration.
 * Run: node --import tsx bench/rollout.bench.ts
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { signatureHeaders } from '../src/core/reconcile/signature.ts';
import { startCourier } from '../test/support/courier-stack.ts';
import { seedBareRepo } from '../test/support/bare-repo.ts';
import { FakeGitHubServer } from '../test/support/fake-github-server.ts';
import { checkRunCompleted, pushTo } from '../test/support/payloads.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const CLUSTERS = Array.from({ length: QUICK ? 4 : 9 }, (_, i) => `c${i + 1}`);
const INSTALLATION = 11;
const FLEET = path.resolve(import.meta.dirname, '../test/fixtures/rollout/fleet');
const secret = (cluster: string) => `bench-rollout-secret-${cluster}`;

const files: Record<string, string> = {
  '.github/courier.yml': `environments:\n  - name: production\n    clusters: [${CLUSTERS.join(', ')}]\n    paths: ["clusters/**"]\n`,
};
for (const name of readdirSync(path.join(FLEET, 'apps/frontend'))) {
  const text = readFileSync(path.join(FLEET, 'apps/frontend', name), 'utf8');
  files[`apps/frontend/${name}`] = text;
  files[`apps/frontend-v2/${name}`] = name === 'kustomization.yaml' ? text.replace('newTag: 6.1.0', 'newTag: 6.2.0') : text;
}
const sync = readFileSync(path.join(FLEET, 'clusters/staging-1/frontend.yaml'), 'utf8');
for (const c of CLUSTERS) files[`clusters/${c}/frontend.yaml`] = sync;

const root = mkdtempSync(path.join(os.tmpdir(), 'courier-rollout-bench-'));
const seeded = seedBareRepo(root, 'fleet', { files });
const fake = await FakeGitHubServer.start([{ owner: 'bench', name: 'fleet', bareDir: seeded.bare, installationId: INSTALLATION }]);
const stack = await startCourier(fake, { root, cacheDir: path.join(root, 'cache'), clusterSecrets: Object.fromEntries(CLUSTERS.map((c) => [c, secret(c)])), throttle: true });
const repo = fake.repo('bench', 'fleet');
const cloneUrl = pathToFileURL(seeded.bare).href;
const withClone = <T extends { repository: { clone_url?: string } }>(p: T): T => ((p.repository.clone_url = cloneUrl), p);
const branch = (c: string) => `courier/rollout/frontend/switch-${c}`;

async function until(test: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (!(await test())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
const gated = async (c: string): Promise<boolean> => {
  const pr = repo.model.prs.find((p) => p.head === branch(c) && p.open);
  const head = await repo.store.ref(branch(c));
  return pr !== undefined && repo.checkRuns.some((r) => r.name === 'courier/rollout/frontend' && r.head_sha === head && r.status === 'completed');
};

async function report(cluster: string, sha: string): Promise<void> {
  const at = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    version: 1,
    cluster,
    sentAt: new Date(at * 1000).toISOString(),
    objects: [{ kind: 'Kustomization', apiVersion: 'kustomize.toolkit.fluxcd.io/v1', namespace: 'flux-system', name: 'frontend', source: { url: `http://${fake.host}/bench/fleet`, host: fake.host, owner: 'bench', repo: 'fleet' }, revision: { applied: `main@sha1:${sha}`, sha }, state: 'success' }],
  });
  const response = await stack.post('/api/courier/reports', body, signatureHeaders(secret(cluster), cluster, at, body));
  if (response.status !== 202) throw new Error(`report answered ${response.status}`);
  const status = await stack.webhook('check_run', withClone(checkRunCompleted('bench', 'fleet', `courier/production/${cluster}`, sha, 'success', INSTALLATION)), `cr-${cluster}-${sha}`);
  if (status !== 200) throw new Error(`webhook answered ${status}`);
}

// The copy is on main: the first push opens the first cluster's switch.
const main = (await repo.store.ref('main'))!;
await stack.webhook('push', withClone(pushTo('bench', 'fleet', main, [], INSTALLATION)), 'push-0');
await until(() => gated(CLUSTERS[0]!), 'the first switch');
const latencies: number[] = [];
const opened: number[] = [];
const requests: Array<ReturnType<FakeGitHubServer['counts']>> = [];
for (let i = 0; i < CLUSTERS.length - 1; i++) {
  const c = CLUSTERS[i]!;
  const merged = await fake.merge('bench', 'fleet', repo.model.prs.find((p) => p.head === branch(c) && p.open)!.number);
  await stack.webhook('push', withClone(pushTo('bench', 'fleet', merged, [], INSTALLATION)), `push-${i + 1}`);
  await new Promise((r) => setTimeout(r, 1500)); // idle: the push's evaluation and GitHub's write pacing are over
  const started = performance.now();
  await report(c, merged);
  await until(() => repo.model.prs.some((p) => p.head === branch(CLUSTERS[i + 1]!) && p.open), `the switch of ${CLUSTERS[i + 1]}`);
  opened.push(performance.now() - started);
  await until(() => gated(CLUSTERS[i + 1]!), `the gate of ${CLUSTERS[i + 1]}`);
  latencies.push(performance.now() - started);
  await new Promise((r) => setTimeout(r, 300)); // any trailing request
  requests.push(fake.counts(started));
}

const sorted = [...latencies].sort((a, b) => a - b);
const fmt = (ms: number) => `${Math.round(ms)} ms`;
const routes = (byRoute: Record<string, number>) => Object.entries(byRoute).map(([r, n]) => `${n}× ${r}`).join(', ');
console.log(`rollout benchmark: apps/frontend over ${CLUSTERS.length} clusters, default configuration, throttling on, n=${latencies.length}`);
const open = [...opened].sort((a, b) => a - b);
console.log(`healthy report of cluster n → switch PR of cluster n+1 open: p50 ${fmt(open[Math.floor((open.length - 1) / 2)]!)}, max ${fmt(open.at(-1)!)} (target ≤ 2 s)`);
console.log(`… and its courier/rollout gate check written (after the labels, GitHub paces mutations ~1 s apart): p50 ${fmt(sorted[Math.floor((sorted.length - 1) / 2)]!)}, max ${fmt(sorted.at(-1)!)}`);
const last = requests.at(-1)!;
console.log(`requests per step (report → next switch PR and gate): ${last.total} (${last.mutating} mutating): ${routes(last.byRoute)}`);
await stack.close();
await fake.close();
rmSync(root, { recursive: true, force: true });
