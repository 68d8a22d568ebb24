import { describe, expect, it } from 'vitest';
import { yieldEvery } from '../src/event-loop-yield.ts';

describe('yieldEvery', () => {
  it('returns at once until a slice of time is spent, then yields one event-loop turn and starts a new slice', async () => {
    const pause = yieldEvery(30);
    expect(pause()).toBeUndefined();
    const until = performance.now() + 35;
    while (performance.now() < until) {
      // a loop's work
    }
    const turns: string[] = [];
    setImmediate(() => turns.push('event loop'));
    const yielded = pause();
    expect(yielded).toBeInstanceOf(Promise);
    await yielded;
    expect(turns).toEqual(['event loop']);
    expect(pause()).toBeUndefined();
  });
});
