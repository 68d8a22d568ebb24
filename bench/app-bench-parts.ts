/**
 * Parts of `app.bench.ts` kept apart to keep that file short: `/healthz` during a delivery burst
 * (issue 13.8) and the warm read of the repository before planning, with and without the in-memory
 * blob cache (issue 12.2).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BlobCache } from '../src/git/blob-cache.ts';
import { CloneCache } from '../src/git/clone-cache.ts';
import { createImageJob } from '../src/jobs/image-job.ts';
import type { CourierStack } from '../test/support/courier-stack.ts';
import type { SeededRepo } from '../test/support/bare-repo.ts';
import { registryPackagePublished } from '../test/support/payloads.ts';

const INSTALLATION = 7;

/** p50 and slowest of a sample. */
function summary(values: number[]): { p50: number; max: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0, max: sorted.at(-1) ?? 0, n: sorted.length };
}

/** One `GET /healthz` on a fresh connection, as a kubelet probe makes it; resolves with its latency. */
function probe(url: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const start = performance.now();
    request({ host: hostname, port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - start));
    })
      .on('error', reject)
      .end();
  });
}

/**
 * Sends `n` `registry_package.published` deliveries at once (images svc-0 … svc-<n-1>, one new tag)
 * while a client asks `/healthz` every 20 ms, until every write the burst caused has ended.
 */
export async function healthDuringBurst(stack: CourierStack, n: number) {
  const repo = stack.fake.repo('bench', 'fleet');
  const prsBefore = repo.model.prs.length;
  const health: number[] = [];
  let probing = true;
  const prober = (async () => {
    while (probing) {
      health.push(await probe(stack.courier.url));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const start = performance.now();
  const answers = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const sent = performance.now();
      const status = await stack.webhook('registry_package', registryPackagePublished('bench', `svc-${i}`, '1.13.0', INSTALLATION), `health-burst-${i}`);
      if (status !== 200) throw new Error(`delivery ${i} answered ${status}`);
      return performance.now() - sent;
    }),
  );
  // Every release is in the batcher now: drain waits for the writes in flight and the one gathered behind them.
  await stack.courier.batcher.drain();
  const doneMs = performance.now() - start;
  probing = false;
  await prober;
  return { health: summary(health), webhooks: summary(answers), prs: repo.model.prs.length - prsBefore, doneMs };
}

/**
 * The read an App job makes before planning, on the bench fleet: the clone cache's fetch and the
 * image job's files, warm, on the same commit and on a new commit (one file changed), with the blob
 * cache (default) and without it (every blob read in full, as before issue 12.2). Returns the p50 of
 * the default's read of a new commit, the figure the target is for.
 */
export async function warmReads(seeded: SeededRepo, owner: string, name: string): Promise<number> {
  const job = createImageJob();
  const url = `file://${seeded.bare}`;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'courier-read-bench-'));
  let edit = 0;
  let result = 0;
  for (const [label, blobCache] of [
    ['without the blob cache (every blob read)', false],
    ['with the blob cache (default)', new BlobCache()],
  ] as const) {
    const cache = new CloneCache({ root: path.join(scratch, String(blobCache !== false)), blobCache });
    const handle = { owner, repo: name, cloneUrl: url };
    const once = () => {
      const started = performance.now();
      return cache.withCheckout(handle, 'main', async (co) => {
        const fetched = performance.now();
        await co.readFiles((p) => job.reads(p));
        return { total: performance.now() - started, read: performance.now() - fetched };
      });
    };
    await once(); // cold clone
    const same: Array<{ total: number; read: number }> = [];
    for (let i = 0; i < 10; i++) same.push(await once());
    const changed: Array<{ total: number; read: number }> = [];
    for (let i = 0; i < 5; i++) {
      seeded.commit({ [`bench-edits/edit-${edit++}.yaml`]: `edit: ${edit}\n` });
      changed.push(await once());
    }
    const show = (xs: Array<{ total: number; read: number }>) => {
      const read = summary(xs.map((x) => x.read));
      return `read p50 ${Math.round(read.p50)} ms (slowest ${Math.round(read.max)}), with the fetch p50 ${Math.round(summary(xs.map((x) => x.total)).p50)} ms`;
    };
    console.log(`warm App event, reading the repository before planning, ${label}: same commit ${show(same)}; new commit ${show(changed)}`);
    if (blobCache !== false) {
      result = summary(changed.map((x) => x.read)).p50;
      console.log(`  blob cache after the runs: ${JSON.stringify(blobCache.stats())}`);
    }
  }
  rmSync(scratch, { recursive: true, force: true });
  return result;
}
