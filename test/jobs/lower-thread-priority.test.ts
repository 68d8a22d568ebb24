import { getPriority, setPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { lowerThreadPriority } from '../../src/jobs/lower-thread-priority.ts';

describe.runIf(process.platform === 'linux')('lowerThreadPriority', () => {
  it('sets the nice value of the calling thread, which it names', () => {
    const processNice = getPriority(process.pid);
    const tid = lowerThreadPriority(processNice + 1)!;
    try {
      expect(tid).toBeGreaterThan(0);
      expect(getPriority(tid)).toBe(processNice + 1);
      // In a worker thread (vitest's pool) the process's main thread keeps its value.
      if (tid !== process.pid) expect(getPriority(process.pid)).toBe(processNice);
    } finally {
      try {
        setPriority(tid, processNice); // only root may raise it back; elsewhere this thread stays lower
      } catch {
        // not permitted: harmless for a test thread
      }
    }
  });
});
