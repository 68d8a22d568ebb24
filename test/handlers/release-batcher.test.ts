import { describe, expect, it } from 'vitest';
import type { JobTarget } from '../../src/app-deps.ts';
import type { Release } from '../../src/core/image-update/release.ts';
import { DEFAULT_GROUP_WINDOW_MS, groupWindowMs, ReleaseBatcher } from '../../src/handlers/release-batcher.ts';
import { ManualScheduler } from '../app/helpers.ts';

const target = (repo: string, groupWindow?: number | string): JobTarget => ({
  octokit: {} as JobTarget['octokit'],
  installationId: 1,
  owner: 'acme',
  repo,
  cloneUrl: `https://github.com/acme/${repo}.git`,
  defaultBranch: 'main',
  config: { environments: [], ...(groupWindow !== undefined ? { pullRequests: { groupWindow } } : {}) },
});
const app = (tag: string): Release => ({ repository: 'ghcr.io/acme/app', tag });
const api = (tag: string): Release => ({ repository: 'ghcr.io/acme/api', tag });

function setup(flushImpl?: () => Promise<never>) {
  const scheduler = new ManualScheduler();
  const calls: Array<{ repo: string; releases: Release[]; receivedAt: Date }> = [];
  const errors: unknown[] = [];
  let clock = new Date('2026-01-01T00:00:00Z');
  const batcher = new ReleaseBatcher({
    scheduler,
    now: () => clock,
    flush: async (t, releases, receivedAt) => {
      calls.push({ repo: t.repo, releases, receivedAt });
      if (flushImpl) return flushImpl();
      return [];
    },
    onError: (error) => errors.push(error),
  });
  return { scheduler, calls, errors, batcher, tick: (ms: number) => (clock = new Date(clock.getTime() + ms)) };
}

describe('groupWindowMs', () => {
  it.each([
    [undefined, DEFAULT_GROUP_WINDOW_MS],
    [3, 3000],
    ['500ms', 500],
    ['15s', 15_000],
    ['2m', 120_000],
    // The schema accepts every config duration; these silently became the default before.
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['soon', DEFAULT_GROUP_WINDOW_MS],
  ])('%j → %i ms', (value, ms) => expect(groupWindowMs(value)).toBe(ms));
});

describe('ReleaseBatcher', () => {
  it('starts the write for a quiet repository at once: a single release pays no window (issue 12.1)', async () => {
    const { batcher, scheduler, calls } = setup();
    batcher.add(target('gitops'), [app('1.0.0')], 'd1');
    expect(scheduler.timers.map((t) => t.ms)).toEqual([0]);
    scheduler.fireAll();
    await batcher.drain();
    expect(calls).toEqual([{ repo: 'gitops', releases: [app('1.0.0')], receivedAt: new Date('2026-01-01T00:00:00Z') }]);
  });

  it('groups releases delivered before the write starts (same tick) into one call, and keeps repositories apart', async () => {
    const { batcher, scheduler, calls } = setup();
    batcher.add(target('gitops'), [app('1.0.0')], 'd1');
    batcher.add(target('gitops'), [api('2.0.0')], 'd2');
    batcher.add(target('other'), [app('1.0.0')], 'd1');
    scheduler.fireAll();
    await batcher.drain();
    expect(calls.map((c) => [c.repo, c.releases])).toEqual([
      ['gitops', [app('1.0.0'), api('2.0.0')]],
      ['other', [app('1.0.0')]],
    ]);
  });

  it('releases arriving while a write is in flight join the next write, which starts as soon as that one ends', async () => {
    const scheduler = new ManualScheduler();
    const calls: string[][] = [];
    let finishFirst!: () => void;
    const gate = new Promise<void>((resolve) => (finishFirst = resolve));
    const batcher = new ReleaseBatcher({
      scheduler,
      now: () => new Date(0),
      flush: async (_t, releases) => {
        calls.push(releases.map((r) => r.tag));
        if (calls.length === 1) await gate;
        return [];
      },
    });
    batcher.add(target('gitops'), [app('1')], 'd1');
    scheduler.fireAll();
    await new Promise((resolve) => setImmediate(resolve));
    // A burst arrives during the first write: it waits behind it, bounded by the window.
    for (let i = 2; i <= 50; i++) batcher.add(target('gitops'), [app(String(i))], `d${i}`);
    expect(scheduler.timers.filter((t) => !t.cleared).map((t) => t.ms)).toEqual([DEFAULT_GROUP_WINDOW_MS]);
    expect(calls).toEqual([['1']]);
    finishFirst();
    // The end of the first write starts the second (no drain, no timer).
    for (let i = 0; i < 5 && calls.length < 2; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(2);
    await batcher.drain();
    expect(calls).toHaveLength(2);
    // The second write carries the first one's release, so its proposal covers the whole burst.
    expect(calls[1]).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
    expect(scheduler.pending).toBe(0);
  });

  it('the configured groupWindow bounds how long a batch waits behind a long write', async () => {
    const scheduler = new ManualScheduler();
    const started: string[] = [];
    let finishFirst!: () => void;
    const gate = new Promise<void>((resolve) => (finishFirst = resolve));
    const batcher = new ReleaseBatcher({
      scheduler,
      now: () => new Date(0),
      flush: async (_t, releases) => {
        started.push(releases.map((r) => r.tag).join(','));
        if (started.length === 1) await gate;
        return [];
      },
    });
    batcher.add(target('gitops', '2s'), [app('1')], 'd1');
    scheduler.fireAll();
    await new Promise((resolve) => setImmediate(resolve));
    batcher.add(target('gitops', '2s'), [app('2')], 'd2');
    expect(scheduler.timers.filter((t) => !t.cleared).map((t) => t.ms)).toEqual([2000]);
    // The window ends: the batch closes (later releases start a new one) and queues behind the write.
    scheduler.fireAll();
    batcher.add(target('gitops', '2s'), [app('3')], 'd3');
    finishFirst();
    await batcher.drain();
    expect(started).toEqual(['1', '1,2', '1,2,3']);
  });

  it('coalesces the same delivery received 10 times into one call with one release', async () => {
    const { batcher, scheduler, calls } = setup();
    const taken = Array.from({ length: 10 }, () => batcher.add(target('gitops'), [app('1.0.0')], 'same-delivery'));
    expect(taken.filter(Boolean)).toHaveLength(1);
    scheduler.fireAll();
    await batcher.drain();
    // A redelivery after the batch ran is still a duplicate.
    expect(batcher.add(target('gitops'), [app('1.0.0')], 'same-delivery')).toBe(false);
    expect(scheduler.pending).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.releases).toEqual([app('1.0.0')]);
  });

  it('keeps one copy of the same release announced by two deliveries (package + registry_package)', async () => {
    const { batcher, scheduler, calls } = setup();
    batcher.add(target('gitops'), [app('1.0.0')], 'package-delivery');
    batcher.add(target('gitops'), [app('1.0.0')], 'registry-package-delivery');
    scheduler.fireAll();
    await batcher.drain();
    expect(calls[0]!.releases).toEqual([app('1.0.0')]);
  });

  it('forgets the deliveries of a failed batch so a redelivery is taken', async () => {
    const { batcher, scheduler, calls, errors } = setup(() => Promise.reject(new Error('GitHub down')));
    batcher.add(target('gitops'), [app('1.0.0')], 'd1');
    scheduler.fireAll();
    await batcher.drain();
    expect(errors).toEqual([new Error('GitHub down')]);
    expect(batcher.add(target('gitops'), [app('1.0.0')], 'd1')).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('claims a delivery once until it is unclaimed', () => {
    const { batcher } = setup();
    expect(batcher.claim('x')).toBe(true);
    expect(batcher.claim('x')).toBe(false);
    batcher.unclaim('x');
    expect(batcher.claim('x')).toBe(true);
  });

  it('serialises batches of one repository', async () => {
    const scheduler = new ManualScheduler();
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new ReleaseBatcher({
      scheduler,
      now: () => new Date(0),
      flush: async (_t, releases) => {
        // The newest release names the batch (a batch behind a write also carries that write's releases).
        const tag = releases.at(-1)!.tag;
        events.push(`start ${tag}`);
        if (tag === '1') await gate;
        events.push(`end ${tag}`);
        return [];
      },
    });
    batcher.add(target('gitops'), [app('1')], 'd1');
    scheduler.fireAll();
    batcher.add(target('gitops'), [app('2')], 'd2');
    scheduler.fireAll();
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['start 1']);
    release();
    await batcher.drain();
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('drain flushes open windows at once (shutdown)', async () => {
    const { batcher, scheduler, calls } = setup();
    batcher.add(target('gitops'), [app('1')], 'd1');
    await batcher.drain();
    expect(calls).toHaveLength(1);
    expect(scheduler.pending).toBe(0);
  });
});
