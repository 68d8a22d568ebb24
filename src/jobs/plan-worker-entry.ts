/**
 * The worker thread side of plan-worker.ts: plans a job's proposal from plain data and posts it back.
 * Planning is pure and CPU-bound (seconds for a hundred releases over a large fleet); here it cannot
 * stall the App's event loop (webhook answers, `/healthz`).
 */
import { parentPort } from 'node:worker_threads';
import type { JobInput } from './job.ts';
import { unpackFiles } from './packed-files.ts';
import { lowerThreadPriority } from './lower-thread-priority.ts';
import { KEPT_COMMITS, plannerFor, type PlanMessage } from './planners.ts';

// Planning yields the cores to the main thread's answers (webhooks, /healthz) when both want them.
lowerThreadPriority();

/** The files of the commits seen last, by commit (the main thread mirrors this to know what to send). */
const kept = new Map<string, JobInput['files']>();

parentPort?.on('message', async (message: PlanMessage) => {
  try {
    const { sha } = message.input;
    const files = message.input.files ? unpackFiles(message.input.files) : kept.get(sha);
    if (!files) throw new Error(`the planning worker holds no files of ${sha}`);
    if (message.input.files) {
      kept.delete(sha);
      kept.set(sha, files);
      while (kept.size > KEPT_COMMITS) kept.delete(kept.keys().next().value!);
    }
    const proposal = await plannerFor(message.kind)({ ...message.input, files }, message.request);
    parentPort!.postMessage({ id: message.id, proposal });
  } catch (error) {
    const e = error as Error;
    parentPort!.postMessage({ id: message.id, error: { name: e?.name ?? 'Error', message: e?.message ?? String(error) } });
  }
});
