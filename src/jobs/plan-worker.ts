/**
 * Plans off the main thread: one worker thread, started on first use, planning one proposal at a time
 * in arrival order. The App's event loop stays free to answer webhooks and `/healthz` while a burst is
 * planned. Files cross by structured clone (tens of milliseconds for a 20 MB fleet). A plan error
 * comes back with its name and message, as thrown in the worker.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Proposal, ProposalKind } from '../core/proposal/proposal.ts';
import type { JobInput } from './job.ts';
import { packFiles } from './packed-files.ts';
import { KEPT_COMMITS, type PlanMessage } from './planners.ts';

/** Plans `request` of a job kind on `input`, off the main thread. */
export type OffThreadPlanner = (kind: ProposalKind, input: JobInput, request: unknown) => Promise<Proposal>;

/** An error thrown by a planner in the worker, carrying its original name. */
export class WorkerPlanError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface PlanWorker {
  plan: OffThreadPlanner;
  close(): Promise<void>;
}

/**
 * The compiled entry beside this module in `dist/`; in a checkout (TypeScript run through tsx) a
 * tiny bootstrap registers tsx in the worker first, since Node 20 workers take no `--import`.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./plan-worker-entry.js', import.meta.url));
  // tsx's ESM register API, found through its package.json exports (the `import` condition).
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const api = (require(manifest) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api']!.import.default;
  const tsx = new URL(api, pathToFileURL(manifest)).href;
  const source = new URL('./plan-worker-entry.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(boot, { eval: true });
}

export function createPlanWorker(): PlanWorker {
  let worker: Worker | undefined;
  let nextId = 1;
  /** The commits whose files the worker holds, oldest first (mirrors plan-worker-entry.ts). */
  let sent: string[] = [];
  /** The last message's post, which the next one waits for. */
  let posting: Promise<void> = Promise.resolve();
  const pending = new Map<number, { resolve: (p: Proposal) => void; reject: (e: Error) => void }>();
  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    worker = undefined;
    sent = [];
  };
  const start = (): Worker => {
    const w = startWorker();
    w.unref();
    w.on('message', (m: { id: number; proposal?: Proposal; error?: { name: string; message: string } }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error) p.reject(new WorkerPlanError(m.error.name, m.error.message));
      else p.resolve(m.proposal!);
    });
    w.on('error', (error) => failAll(error));
    w.on('exit', (code) => failAll(new Error(`the planning worker stopped (exit ${code})`)));
    return w;
  };
  return {
    plan(kind, input, request) {
      worker ??= start();
      const id = nextId++;
      const w = worker;
      // Copying a large fleet's files blocks this thread for a moment; do it once per commit.
      const known = sent.includes(input.sha) && input.sha !== '';
      if (!known) sent = [...sent.filter((s) => s !== input.sha), input.sha].slice(-KEPT_COMMITS);
      const packed = known ? undefined : packFiles(input.files);
      // Messages leave in call order even while a pack yields: a plan of a commit whose files another
      // call is still packing must reach the worker after those files.
      const posted = posting.then(async () => {
        const files = await packed;
        const message: PlanMessage = { id, kind, input: { ...input, files }, request };
        w.postMessage(message, files ? files.chunks : []);
      });
      posting = posted.catch(() => undefined);
      return new Promise<Proposal>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.ref();
        posted.catch((error: Error) => {
          pending.delete(id);
          reject(error);
        });
      }).finally(() => {
        if (pending.size === 0) w.unref();
      });
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
    },
  };
}
