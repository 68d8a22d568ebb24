/** Runs async jobs one after another per key; jobs under different keys run independently. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Queues `fn` behind every job already queued under `key` and resolves with its result. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
