/** Registers the nock discipline of GitHub-facing tests: no real network, and every mock consumed. */
import nock from 'nock';
import { afterEach, beforeEach, expect } from 'vitest';

/** Call at the top of a test file (or describe block). */
export function useStrictNock(): void {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    expect(pending).toEqual([]);
  });
}
