/**
 * Cooperative yields for long loops on the App's main thread: a 10,000-file read or pack done in one
 * go held the event loop for 150–350 ms, so `/healthz` and webhook answers waited (issue 13, item 8).
 * `setImmediate` lets timers and I/O run between slices; the loops stay in order. Slices are bounded
 * by time, not by count: a loop that finishes quickly never yields (each turn of a busy loop costs
 * the read its own latency: warm reads went from 13 to 40 ms with a yield every 2,000 files).
 */

/** Resolves after the event loop has had one turn (timers, I/O callbacks). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

// 10 ms: a slice is one piece of a longer stretch (the rest of the continuation, a garbage collection),
// and the burst's slowest /healthz answers were such stretches of 60–110 ms holding a 20 ms slice.
let defaultSliceMs = 10;

/** Sets the default slice and returns the one it replaced (tests: 0 makes every check yield, proving a loop has its yield points). */
export function setYieldSlice(ms: number): number {
  const previous = defaultSliceMs;
  defaultSliceMs = ms;
  return previous;
}

/**
 * A check for a loop: once `sliceMs` have passed since the loop began or last yielded, it yields;
 * otherwise it returns undefined. Callers await only a returned promise (`const due = pause(); if (due)
 * await due;`): `await undefined` still suspends the loop for a microtask, ~1 ms and 20,000 promises
 * per 10,000-file read.
 */
export function yieldEvery(sliceMs = defaultSliceMs): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    const now = performance.now();
    if (now - since < sliceMs) return undefined;
    since = now;
    return yieldToEventLoop();
  };
}
