/**
 * `/healthz` while a burst is planned (issue 13.8): a real HTTP server on 127.0.0.1 answers `/healthz`
 * while 45 and then 100 releases are planned over the 10,000-file fleet, in the main thread and in the
 * planning worker the App uses by default. A client asks `/healthz` every 20 ms; the figure is the
 * slowest answer. Target: under 100 ms during planning (a Kubernetes probe times out after 1 s).
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';
import { validateCourierConfig } from '../src/core/config/index.ts';
import { createImageJob } from '../src/jobs/image-job.ts';
import { createPlanWorker } from '../src/jobs/plan-worker.ts';
import { generateFleet } from './fleet-generator.ts';

const files = generateFleet();
const validated = validateCourierConfig(parse(files.find((f) => f.path === '.github/courier.yml')!.text));
if (!validated.ok) throw new Error('bench config is invalid');
const input = { files, config: validated.config, sha: 'bench' };
const job = createImageJob();

const server: Server = createServer((_req, res) => res.end('{"ok":true}'));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;

const probe = () =>
  new Promise<number>((resolve) => {
    const start = performance.now();
    request({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - start));
    }).end();
  });

/** Runs `work` while probing every 20 ms from a separate timer chain; returns the slowest answer and the work's time. */
async function during(work: () => Promise<unknown>): Promise<{ worst: number; p50: number; took: number }> {
  const latencies: number[] = [];
  let running = true;
  const prober = (async () => {
    while (running) {
      latencies.push(await probe());
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const start = performance.now();
  await work();
  const took = performance.now() - start;
  running = false;
  await prober;
  latencies.sort((a, b) => a - b);
  return { worst: latencies.at(-1) ?? 0, p50: latencies[Math.floor(latencies.length / 2)] ?? 0, took };
}

const worker = createPlanWorker();
const releases = (n: number) => ({ kind: 'image' as const, releases: Array.from({ length: n }, (_, i) => ({ repository: `ghcr.io/bench/svc-${100 + i}`, tag: '1.12.0' })) });
await worker.plan('image', input, releases(1)); // start the worker and warm its JIT, as a running App has
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
console.log(`/healthz while planning over ${files.length} files (probe every 20 ms; target: slowest < 100 ms)`);
const fresh = await during(() => worker.plan('image', { ...input, sha: 'a-new-commit' }, releases(45)));
console.log(` 45 releases on a commit the worker has not seen (its files packed and transferred): slowest /healthz ${fmt(fresh.worst)}, p50 ${fmt(fresh.p50)}; plan took ${fmt(fresh.took)} — ${fresh.worst < 100 ? 'met' : 'MISSED'}`);
for (const n of [45, 100]) {
  const off = await during(() => worker.plan('image', input, releases(n)));
  const inThread = await during(async () => job.plan(input, releases(n)));
  console.log(`${String(n).padStart(3)} releases, planning worker (default): slowest /healthz ${fmt(off.worst)}, p50 ${fmt(off.p50)}; plan took ${fmt(off.took)} — ${off.worst < 100 ? 'met' : 'MISSED'}`);
  console.log(`${String(n).padStart(3)} releases, main thread (COURIER_PLAN_IN_WORKER=off): slowest /healthz ${fmt(inThread.worst)}, p50 ${fmt(inThread.p50)}; plan took ${fmt(inThread.took)}`);
}
await worker.close();
server.close();
