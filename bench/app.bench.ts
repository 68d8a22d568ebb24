/**
 * The App end to end: signed `registry_package.published` webhooks into the real wiring
 * (`createCourierDeps` + `runServer`, Octokit retry and throttling ON, so mutating requests are paced
 * as GitHub asks), against the fake GitHub Enterprise Server of `test/support/` over a generated
 * 10,000-file fleet in a local bare repository. Prints event → PR-open latency (warm and cold clone
 * cache), API requests per release event (and how many mutate), and a 100-image burst.
 * Run: node --import tsx bench/app.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { validateCourierConfig } from '../src/core/config/index.ts';
import { planImageUpdate } from '../src/core/image-update/plan-image-update.ts';
import { startCourier, type CourierStack } from '../test/support/courier-stack.ts';
import { seedBareRepo } from '../test/support/bare-repo.ts';
import { FakeGitHubServer } from '../test/support/fake-github-server.ts';
import { registryPackagePublished } from '../test/support/payloads.ts';
import { DEFAULT_SHAPE, generateFleet } from './fleet-generator.ts';

const INSTALLATION = 7;
const QUICK = process.env.BENCH_QUICK === '1';
const WARM_SAMPLES = QUICK ? 3 : 10;
const COLD_SAMPLES = QUICK ? 1 : 4;
const BURST = 100;
/** Idle time before each latency sample, so it is not queued behind the previous sample's writes (GitHub's ~1 s pacing). */
const IDLE_MS = 1100;

const root = mkdtempSync(path.join(os.tmpdir(), 'courier-app-bench-'));
// The default configuration: no groupWindow override (group commit: a quiet repository writes at once).
const files = generateFleet(DEFAULT_SHAPE);
const started = performance.now();
const seeded = seedBareRepo(root, 'fleet', { files: Object.fromEntries(files.map((f) => [f.path, f.text])) });
console.log(`app benchmark: ${files.length} files in a local bare repository (seeded in ${((performance.now() - started) / 1000).toFixed(1)} s), default configuration (group commit, groupWindow 10s), throttling on`);

const fake = await FakeGitHubServer.start([{ owner: 'bench', name: 'fleet', bareDir: seeded.bare, installationId: INSTALLATION }]);
const repo = fake.repo('bench', 'fleet');
let tagSeq = 0;
let stackSeq = 0;

async function courier(cacheDir: string): Promise<CourierStack> {
  return startCourier(fake, { root, cacheDir, throttle: true });
}

/** Publishes `ghcr.io/bench/svc-<image>` with a fresh tag; resolves when its PR is open (and with the request window). */
async function releaseToPr(stack: CourierStack, image: number): Promise<{ ms: number; since: number }> {
  const prs = repo.model.prs.length;
  const tag = `1.11.${tagSeq++}`;
  const since = performance.now();
  const status = await stack.webhook('registry_package', registryPackagePublished('bench', `svc-${image}`, tag, INSTALLATION), `d-${image}-${tag}`);
  if (status !== 200) throw new Error(`webhook answered ${status}`);
  // Wait for the PR, then for any write still queued.
  await prCount(prs + 1);
  await stack.courier.batcher.drain();
  const pr = repo.model.prs[prs];
  if (!pr || repo.model.prs.length !== prs + 1) throw new Error(`expected one new PR for svc-${image}, have ${repo.model.prs.length - prs}`);
  return { ms: pr.createdAt - since, since };
}

/** Resolves once the fake holds `n` PRs (polled every 2 ms; fails after a minute). */
async function prCount(n: number): Promise<void> {
  const until = performance.now() + 60_000;
  while (repo.model.prs.length < n) {
    if (performance.now() > until) throw new Error(`no PR after a minute (have ${repo.model.prs.length}, want ${n})`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const idle = () => new Promise((resolve) => setTimeout(resolve, IDLE_MS));
const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;
const fmt = (ms: number) => `${Math.round(ms)} ms`;
const routes = (byRoute: Record<string, number>) =>
  Object.entries(byRoute)
    .map(([route, n]) => `${n}× ${route}`)
    .join(', ');

// Cold: a fresh Courier process state and an empty clone cache each time (full blobless clone).
const cold: number[] = [];
let firstEvent: ReturnType<FakeGitHubServer['counts']> | undefined;
for (let i = 0; i < COLD_SAMPLES; i++) {
  await idle();
  const stack = await courier(path.join(root, `cache-cold-${stackSeq++}`));
  const { ms, since } = await releaseToPr(stack, i);
  cold.push(ms);
  firstEvent ??= fake.counts(since);
  await stack.close();
}

// Warm: one Courier, one clone cache that already holds the repository.
const stack = await courier(path.join(root, 'cache-warm'));
await releaseToPr(stack, 50);
const warm: number[] = [];
let lastSince = 0;
let lastPrAt = 0;
const perEvent: Array<ReturnType<FakeGitHubServer['counts']>> = [];
for (let i = 0; i < WARM_SAMPLES; i++) {
  await idle();
  const { ms, since } = await releaseToPr(stack, 60 + i);
  warm.push(ms);
  lastSince = since;
  lastPrAt = since + ms;
  perEvent.push(fake.counts(since));
}

console.log(`event → PR open, cold cache (n=${cold.length}): p50 ${fmt(pct(cold, 50))}, p95 ${fmt(pct(cold, 95))}`);
console.log(`event → PR open, warm cache (n=${warm.length}): p50 ${fmt(pct(warm, 50))}, p95 ${fmt(pct(warm, 95))}`);
console.log(`requests, first event of a fresh server (incl. installation token): ${firstEvent!.total} (${firstEvent!.mutating} mutating): ${routes(firstEvent!.byRoute)}`);
const steady = perEvent.at(-1)!;
console.log(`requests, warm event (token cached): ${steady.total} (${steady.mutating} mutating): ${routes(steady.byRoute)}`);
const last = fake.requests.filter((r) => r.at >= lastSince);
console.log(`where a warm event's time goes (ms after the webhook was sent): ${last.map((r) => `${Math.round(r.at - lastSince)} ${r.route.replace(/^POST \/graphql /, '')}`).join(', ')}; PR open ${Math.round(lastPrAt - lastSince)}`);
console.log(`requests per warm event: min ${Math.min(...perEvent.map((c) => c.total))}, max ${Math.max(...perEvent.map((c) => c.total))}; mutating per new PR: max ${Math.max(...perEvent.map((c) => c.mutating))}`);

// Burst: 100 images released at once → one grouped PR for the first environment.
await idle();
const prsBefore = repo.model.prs.length;
const burstStart = performance.now();
const statuses = await Promise.all(
  Array.from({ length: BURST }, (_, i) => stack.webhook('registry_package', registryPackagePublished('bench', `svc-${100 + i}`, '1.12.0', INSTALLATION), `burst-${i}`)),
);
const accepted = performance.now();
await prCount(prsBefore + 1);
// Let the grouping window run out fully (more PRs would show a split burst), then finish the work.
await new Promise((resolve) => setTimeout(resolve, 1500));
await stack.courier.batcher.drain();
const done = performance.now();
const burstPrs = repo.model.prs.slice(prsBefore);
const burstCounts = fake.counts(burstStart);
if (statuses.some((s) => s !== 200)) throw new Error(`burst: webhooks answered ${[...new Set(statuses)].join(', ')}`);
// Group commit: the first write may open a PR for the first image(s); the next write covers the whole
// burst and replaces it. What counts: the PRs still open at the end, and when the covering PR opened.
const openAtEnd = burstPrs.filter((p) => p.open);
const covering = openAtEnd.at(-1);
const edited = covering ? (await repo.store.changedPaths((await repo.store.ref('main'))!, (await repo.store.ref(covering.head))!)).length : 0;
console.log(
  `burst of ${BURST} images: ${burstPrs.length} PR(s) opened, ${openAtEnd.length} open at the end [${openAtEnd.map((p) => `${p.head.slice(0, 40)}…`).join(', ')}], ${edited} files in its commit; ` +
    `webhooks accepted in ${fmt(accepted - burstStart)}, first PR open ${burstPrs[0] ? fmt(burstPrs[0].createdAt - burstStart) : 'never'}, covering PR open ${covering ? fmt(covering.createdAt - burstStart) : 'never'}, all work done ${fmt(done - burstStart)}; ` +
    `${burstCounts.total} requests (${burstCounts.mutating} mutating): ${routes(burstCounts.byRoute)}; PR body ${covering?.body.length ?? 0} characters`,
);

const burstTimeline = fake.requests.filter((r) => r.at >= burstStart && r.route.startsWith('POST /graphql'));
console.log(`burst timeline (ms after the first webhook): ${burstTimeline.map((r) => `${r.route.replace('POST /graphql ', '')} sent ${fmt(r.at - burstStart)}`).join(', ')}; the fake applied the commit and opened the PR ${fmt(burstPrs[0]!.createdAt - burstTimeline.find((r) => r.route.endsWith('CourierPublish'))!.at)} after the write arrived`);

// Attribution: the same 100 releases planned in memory on the same files (the engine's share of the burst).
const config = validateCourierConfig(parse(files.find((f) => f.path === '.github/courier.yml')!.text));
if (!config.ok) throw new Error('bench config is invalid');
const burstReleases = Array.from({ length: BURST }, (_, i) => ({ repository: `ghcr.io/bench/svc-${100 + i}`, tag: '1.12.0' }));
for (const n of [1, BURST]) {
  const planStart = performance.now();
  const plan = planImageUpdate({ files, config: config.config, releases: burstReleases.slice(0, n) });
  console.log(`of which the planner, in memory, ${n} release(s) over ${files.length} files: ${fmt(performance.now() - planStart)} (${plan.changeSet.changes.length} changes)`);
}

const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
console.log(`targets: ≤ 10 requests per release event incl. token: ${verdict(firstEvent!.total <= 10)}; ≤ 3 mutating per new PR: ${verdict(Math.max(firstEvent!.mutating, ...perEvent.map((c) => c.mutating)) <= 3)}; ≤ 2 s p50 warm: ${verdict(pct(warm, 50) <= 2000)}; 100-image burst ≤ 5 s, one PR open: ${verdict(openAtEnd.length === 1 && covering!.createdAt - burstStart <= 5000)}`);

await stack.close();
await fake.close();
rmSync(root, { recursive: true, force: true });
