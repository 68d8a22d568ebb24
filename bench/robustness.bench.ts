/**
 * Issue 13's figures, measured through the real wiring (`createCourierDeps` + `runServer`, Octokit
 * retry and throttling ON) against the fake GitHub of `test/support/` over the generated 10,000-file
 * fleet: API requests and config reads for 50 concurrent announcements; `/healthz` latency while 200
 * deliveries arrive within 10 s; time from a crash (Courier dies after GitHub applied the create
 * document, before labels) to a completed PR, by a new replica's resync.
 * Run: node --import tsx bench/robustness.bench.ts
 * Part 2 starts Courier as its own process and waits for its /healthz before probing (an earlier
 * in-process version probed the server while the fake GitHub's work shared its event loop).
 */
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AppDeps } from '../src/app-deps.ts';
import { createImageResync } from '../src/jobs/image-resync.ts';
import { parseMetadata } from '../src/core/proposal/names.ts';
import { startCourier, startCourierProcess, type CourierStack } from '../test/support/courier-stack.ts';
import { seedBareRepo } from '../test/support/bare-repo.ts';
import { FakeGitHubServer } from '../test/support/fake-github-server.ts';
import { registryPackagePublished } from '../test/support/payloads.ts';
import { DEFAULT_SHAPE, generateFleet, imageOf } from './fleet-generator.ts';

const INSTALLATION = 7;
const CRASH_IMAGE = 7;
const root = mkdtempSync(path.join(os.tmpdir(), 'courier-robust-bench-'));
// Every image is listed, so the resync can look them up (unlisted images cannot be).
const listed = Array.from({ length: DEFAULT_SHAPE.images }, (_, i) => `  - repository: ${imageOf(i)}\n`).join('');
const files = generateFleet(DEFAULT_SHAPE).map((f) =>
  f.path === '.github/courier.yml' ? { ...f, text: `${f.text}pullRequests:\n  groupWindow: 100ms\nimages:\n${listed}` } : f,
);
const seeded = seedBareRepo(root, 'fleet', { files: Object.fromEntries(files.map((f) => [f.path, f.text])) });
const fake = await FakeGitHubServer.start([{ owner: 'bench', name: 'fleet', bareDir: seeded.bare, installationId: INSTALLATION }]);
const repo = fake.repo('bench', 'fleet');
console.log(`robustness benchmark: ${files.length} files, throttling on`);

let caches = 0;
const registryTags = new Map<string, string[]>();
const withRegistry = (deps: AppDeps): AppDeps => ({
  ...deps,
  resync: createImageResync({ listTags: async (r) => registryTags.get(r) ?? [], runJob: deps.runJob, log: { warn: () => undefined }, now: deps.now }),
});
const courier = (): Promise<CourierStack> => startCourier(fake, { root, cacheDir: path.join(root, `cache-${caches++}`), throttle: true, adjustDeps: withRegistry });
const publish = (stack: CourierStack, image: number, tag: string, delivery: string) =>
  stack.webhook('registry_package', registryPackagePublished('bench', `svc-${image}`, tag, INSTALLATION), delivery);
const fmt = (ms: number) => `${Math.round(ms)} ms`;
const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!;
const idle = (ms = 1100) => new Promise((resolve) => setTimeout(resolve, ms));

// 1. 50 concurrent announcements of 50 images.
let stack = await courier();
let since = performance.now();
const statuses = await Promise.all(Array.from({ length: 50 }, (_, i) => publish(stack, 100 + i, '1.11.0', `fifty-${i}`)));
await stack.courier.batcher.drain();
if (statuses.some((s) => s !== 200)) throw new Error(`webhooks answered ${[...new Set(statuses)].join(', ')}`);
const fifty = fake.counts(since);
console.log(
  `50 concurrent announcements: ${fifty.total} API requests (${fifty.mutating} mutating), ${fifty.byRoute['GET /repos/{owner}/{repo}/contents/{path}'] ?? 0} config read(s); ` +
    `all work done in ${fmt(performance.now() - since)}; ${Object.entries(fifty.byRoute).map(([r, n]) => `${n}× ${r}`).join(', ')}`,
);

// 2. /healthz while 200 deliveries arrive within 10 s (one every 50 ms). Courier runs as its own
// process here (what `npm start` runs), so the probe times Courier's event loop, not the fake GitHub's
// work (git plumbing, JSON) that shares this process.
// BENCH_PARTS=1,3 runs only those parts (part 2 takes minutes: GitHub's pacing of 150 writes).
const parts = new Set((process.env.BENCH_PARTS ?? '1,2,3').split(','));
if (parts.has('2')) {
await idle();
// As the image runs it (`npm run build`'s bundle, `node dist/main.js`); BENCH_ENTRY=tsx: as `npm start` runs it.
const fromSources = process.env.BENCH_ENTRY === 'tsx';
const bundle = path.join(root, 'bundle');
if (!fromSources) execFileSync(process.execPath, [path.resolve(import.meta.dirname, '../scripts/build-app.mjs'), bundle]);
// BENCH_NODE_ARGS: V8/Node flags for Courier's process (e.g. young-generation sizing), to compare with the default.
const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
const child = await startCourierProcess(fake, { root, cacheDir: path.join(root, `cache-${caches++}`), throttle: true, nodeArgs, ...(fromSources ? {} : { entry: path.join(bundle, 'main.js') }) });
// Courier's own event-loop lag over the burst (prom-client's monitorEventLoopDelay; a scrape resets it).
const lagMax = async () => Number(/^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(await (await fetch(`${child.url}/metrics`)).text())?.[1] ?? NaN) * 1000;
await lagMax();
// A prober in its own process, as a kubelet is, beside the one in this process (which shares the fake GitHub's event loop).
const prober = fork(path.resolve(import.meta.dirname, 'healthz-prober.mjs'), [child.url], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
await new Promise((resolve) => prober.once('message', resolve));
const outside = new Promise<number[]>((resolve) => prober.on('message', (m) => typeof m === 'object' && resolve((m as { latencies: number[] }).latencies)));
const latencies: number[] = [];
let probing = true;
const probe = (async () => {
  while (probing) {
    const t = performance.now();
    const res = await fetch(`${child.url}/healthz`);
    await res.arrayBuffer();
    latencies.push(performance.now() - t);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
})();
since = performance.now();
const sends: Array<Promise<{ status: number; ms: number }>> = [];
for (let i = 0; i < 200; i++) {
  const t = performance.now();
  sends.push(child.webhook('registry_package', registryPackagePublished('bench', `svc-${i % 200}`, `1.12.${Math.floor(i / 200)}`, INSTALLATION), `burst-${i}`).then((status) => ({ status, ms: performance.now() - t })));
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const answers = await Promise.all(sends);
// Done when the fake GitHub has seen no request for 3 s (GitHub's pacing spaces the writes ~1 s apart).
for (let seen = -1; seen !== fake.requests.length; ) {
  seen = fake.requests.length;
  await idle(3000);
}
probing = false;
await probe;
prober.send('stop');
const probed = await outside;
const lag = await lagMax();
const burst = fake.counts(since);
console.log(
  `200 deliveries in ${fmt(performance.now() - since)} (sent over 10 s, Courier in its own process, ${fromSources ? 'sources through tsx' : 'bundled as in the image'}${nodeArgs.length ? `, ${nodeArgs.join(' ')}` : ''}): ` +
    `/healthz from a prober process p50 ${fmt(pct(probed, 50))}, p99 ${fmt(pct(probed, 99))}, max ${fmt(Math.max(...probed))} (n=${probed.length}, target < 100 ms); ` +
    `from this process (shared with the fake GitHub) p50 ${fmt(pct(latencies, 50))}, p99 ${fmt(pct(latencies, 99))}, max ${fmt(Math.max(...latencies))} (n=${latencies.length}); ` +
    `Courier's event-loop lag max ${fmt(lag)}; ` +
    `webhook answers p50 ${fmt(pct(answers.map((a) => a.ms), 50))}, max ${fmt(Math.max(...answers.map((a) => a.ms)))}; ${burst.total} API requests (${burst.mutating} mutating)`,
);
await child.close();
}

// 3. A crash after GitHub applied the create document: a new replica's resync completes the PR.
await idle();
let crashed = false;
fake.faults = (request) => (!crashed && request.route === 'POST /graphql CourierPublish' ? ((crashed = true), 'crash') : undefined);
const prs = repo.model.prs.length;
// The create document the crash interrupts makes the PR when the image has none open yet (parts 1 and 3 alone).
// Part 2 leaves svc-7 in a group PR (`…images-svc-3-svc-7…`): which PR moves it is read from its metadata block.
const moves = (p: (typeof repo.model.prs)[number], tag?: string) =>
  ((parseMetadata(p.body)?.images ?? []) as Array<{ repository: string; tag: string }>).some((i) => i.repository === imageOf(CRASH_IMAGE) && (tag === undefined || i.tag === tag));
const hadPr = repo.model.prs.some((p) => p.open && moves(p));
registryTags.set(imageOf(CRASH_IMAGE), ['1.10.0', '1.13.0']);
await publish(stack, CRASH_IMAGE, '1.13.0', 'crash-1');
while (!crashed) await new Promise((resolve) => setTimeout(resolve, 5));
const crashAt = performance.now();
void stack.courier.close().catch(() => undefined); // the crashed process: its write never returns
stack = await courier();
const up = performance.now();
await stack.courier.resync.runOnce();
const open = repo.model.prs.filter((p) => p.open && moves(p));
const complete = open.length === 1 && moves(open[0]!, '1.13.0') && open[0]!.labels.includes('courier') && repo.model.prs.length === prs + (hadPr ? 0 : 1);
console.log(
  `crash after the create document → completed PR (new replica, cold clone cache): ${fmt(performance.now() - crashAt)} ` +
    `(replica up ${fmt(up - crashAt)}, resync ${fmt(performance.now() - up)}); ${complete ? 'one PR with its labels' : 'NOT COMPLETE'}`,
);
if (!complete) {
  const mine = repo.model.prs.filter((p) => moves(p) || p.number > prs);
  console.log(`  PRs before: ${prs} (one moving svc-${CRASH_IMAGE}: ${hadPr}), after: ${repo.model.prs.length}; PRs moving svc-${CRASH_IMAGE} or new: ${JSON.stringify(mine.map((p) => ({ number: p.number, head: p.head, open: p.open, labels: p.labels, images: parseMetadata(p.body)?.images })))}`);
}

await fake.close();
await stack.close().catch(() => undefined);
rmSync(root, { recursive: true, force: true });
if (!complete) process.exitCode = 1;
