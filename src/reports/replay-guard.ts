/** Remembers recently accepted signatures so a captured report cannot be replayed within the time window. */

/** A small in-memory seen-set with expiry. */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowSeconds: number) {}

  /** True when this signature was already processed within the window. */
  isReplay(signature: string, nowSeconds: number): boolean {
    this.expire(nowSeconds);
    return this.seen.has(signature);
  }

  /** Records a processed signature. */
  remember(signature: string, nowSeconds: number): void {
    this.seen.set(signature, nowSeconds);
  }

  private expire(nowSeconds: number): void {
    for (const [sig, at] of this.seen) {
      // Insertion order is acceptance order, so expired entries are at the front.
      if (nowSeconds - at <= 2 * this.windowSeconds) break;
      this.seen.delete(sig);
    }
  }
}
