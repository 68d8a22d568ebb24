/**
 * Cooperative yields for long loops on the App's main thread: a 10,000-file read or pack done in one
 * go held the event loop for 150–350 ms, so `/healthz` and webhook answers waited (issue 13, item 8).
 * `setImmediate` lets timers and I/O run between slices; the loops stay in order.
 */

/** Resolves after the event loop has had one turn (timers, I/O callbacks). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A counter for a loop: every `every` calls it yields, otherwise it returns at once (no promise). */
export function yieldEvery(every = 1000): () => Promise<void> | undefined {
  let n = 0;
  return () => (++n % every === 0 ? yieldToEventLoop() : undefined);
}
