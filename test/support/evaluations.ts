/**
 * Waiting for the App's background work in end-to-end tests: evaluations a webhook starts and does not
 * await (promotions, rollouts, rotations), and conditions that come true a little later.
 */
import type { AppDeps } from '../../src/app-deps.ts';

/** Records every evaluation `deps.promote` starts; `settle` waits until none is left running (including ones started meanwhile). */
export function evaluationRecorder(): { record: (deps: AppDeps) => AppDeps; settle: () => Promise<void>; reset: () => void } {
  let started: Promise<unknown>[] = [];
  return {
    record: (deps) => ({
      ...deps,
      promote: (target, only) => {
        const run = deps.promote!(target, only);
        started.push(run);
        return run;
      },
    }),
    async settle() {
      for (let seen = -1; seen !== started.length; ) {
        seen = started.length;
        await Promise.all(started);
      }
    },
    reset: () => {
      started = [];
    },
  };
}

/** Polls `ok` until it holds; throws naming `what` after `ms`. */
export async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
