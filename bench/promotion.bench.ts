/**
 * Promotion end to end (issue 8, point 9): the example fleet in a local bare repository, the real
 * wiring (`createCourierDeps` + `runServer`, Octokit retry and throttling ON so writes are paced as
 * GitHub asks), the fake GitHub of `test/support/`. Each sample commits a new dev version, lets the
 * first dev cluster report it, then times the LAST healthy report (signed report → check run →
 * GitHub's `check_run.completed` webhook) until the promotion PR into prod carries the version, and
 * counts the API requests the promotion made (from the webhook on). Default configuration.
 * Run: node --import tsx bench/promotion.bench.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
const SAMPLES = QUICK ? 3 : 8;
const INSTALLATION = 9;
const FLEET = path.resolve(import.meta.dirname, '../examples/fleet');
const DEV_OVERLAY = 'apps/webapp/overlays/dev/kustomization.yaml';
const BRANCH = 'courier/promote/prod/dev';
const SECRETS = { 'cloud-dev': 'bench-cloud-dev-secret-1', 'munich-dev': 'bench-munich-dev-secret-2' };

const root = mkdtempSync(path.join(os.tmpdir(), 'courier-promotion-bench-'));
const seeded = seedBareRepo(root, 'fleet', { dir: FLEET });
const fake = await FakeGitHubServer.start([{ owner: 'bench', name: 'fleet', bareDir: seeded.bare, installationId: INSTALLATION }]);
const stack = await startCourier(fake, { root, cacheDir: path.join(root, 'cache'), clusterSecrets: SECRETS, throttle: true });
const repo = fake.repo('bench', 'fleet');
const cloneUrl = pathToFileURL(seeded.bare).href;
const withClone = <T extends { repository: { clone_url?: string } }>(p: T): T => ((p.repository.clone_url = cloneUrl), p);

async function report(cluster: keyof typeof SECRETS, sha: string): Promise<number> {
  const at = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    version: 1,
    cluster,
    sentAt: new Date(at * 1000).toISOString(),
    objects: [{ kind: 'Kustomization', apiVersion: 'kustomize.toolkit.fluxcd.io/v1', namespace: 'flux-system', name: 'apps', source: { url: `http://${fake.host}/bench/fleet`, host: fake.host, owner: 'bench', repo: 'fleet' }, revision: { applied: `main@sha1:${sha}`, sha }, state: 'success' }],
  });
  const response = await stack.post('/api/courier/reports', body, signatureHeaders(SECRETS[cluster], cluster, at, body));
  if (response.status !== 202) throw new Error(`report answered ${response.status}`);
  const since = performance.now();
  const status = await stack.webhook('check_run', withClone(checkRunCompleted('bench', 'fleet', `courier/dev/${cluster}`, sha, 'success', INSTALLATION)), `cr-${cluster}-${sha}`);
  if (status !== 200) throw new Error(`webhook answered ${status}`);
  return since;
}

async function until(test: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (!(await test())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const overlay = readFileSync(path.join(FLEET, DEV_OVERLAY), 'utf8');
const latencies: number[] = [];
let lastTimeline = { started: 0, done: 0 };
const requests: Array<ReturnType<FakeGitHubServer['counts']>> = [];
for (let i = 0; i < SAMPLES; i++) {
  const tag = `1.${20 + i}.0`;
  const sha = seeded.commit({ [DEV_OVERLAY]: overlay.replace('newTag: 1.4.0 #', `newTag: ${tag} #`) }, `webapp ${tag} in dev`);
  await stack.webhook('push', withClone(pushTo('bench', 'fleet', sha, [DEV_OVERLAY], INSTALLATION)), `push-${i}`);
  await report('cloud-dev', sha);
  await new Promise((r) => setTimeout(r, 1500)); // idle: GitHub's write pacing of the previous sample is over
  const started = performance.now();
  const since = await report('munich-dev', sha);
  await until(async () => {
    const head = await repo.store.ref(BRANCH);
    return head !== undefined && (await repo.store.readFile(head, 'apps/webapp/overlays/prod/kustomization.yaml'))?.includes(`newTag: ${tag} #`) === true && repo.model.prs.some((p) => p.head === BRANCH && p.open);
  }, `the promotion of ${tag}`);
  latencies.push(performance.now() - started);
  lastTimeline = { started, done: performance.now() };
  const head = await repo.store.ref(BRANCH);
  await until(async () => repo.checkRuns.some((r) => r.name === 'courier/gate/prod' && r.head_sha === head && r.status === 'completed'), 'the gate check');
  await new Promise((r) => setTimeout(r, 300)); // any trailing request
  requests.push(fake.counts(since));
}

const sorted = [...latencies].sort((a, b) => a - b);
const p50 = sorted[Math.floor((sorted.length - 1) / 2)]!;
const fmt = (ms: number) => `${Math.round(ms)} ms`;
const routes = (byRoute: Record<string, number>) => Object.entries(byRoute).map(([r, n]) => `${n}× ${r}`).join(', ');
console.log(`promotion benchmark: example fleet (dev: 2 clusters → prod), default configuration, throttling on, n=${SAMPLES}`);
console.log(`last healthy report → promotion PR carries the version: p50 ${fmt(p50)}, max ${fmt(sorted.at(-1)!)} (target ≤ 2 s); first (PR created) ${fmt(latencies[0]!)}, later (PR updated) p50 ${fmt([...latencies.slice(1)].sort((a, b) => a - b)[Math.floor((latencies.length - 2) / 2)]!)}`);
console.log(`requests, first promotion (PR created, gate check written): ${requests[0]!.total} (${requests[0]!.mutating} mutating): ${routes(requests[0]!.byRoute)}`);
const later = requests.at(-1)!;
console.log(`requests, later promotion (PR updated in place): ${later.total} (${later.mutating} mutating): ${routes(later.byRoute)} (target ≤ 6)`);
const t = lastTimeline;
console.log(`where the last sample's time goes (ms after its report was sent): ${fake.requests.filter((r) => r.at >= t.started && r.at <= t.done + 1500).map((r) => `${Math.round(r.at - t.started)} ${r.route.replace(/^POST \/graphql /, '')}`).join(', ')}; version on the PR ${Math.round(t.done - t.started)}`);
await stack.close();
await fake.close();
rmSync(root, { recursive: true, force: true });
