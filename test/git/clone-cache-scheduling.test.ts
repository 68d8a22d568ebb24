import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloneCache } from '../../src/git/clone-cache.ts';
import { makeRemote, tempDir } from './git-fixtures.ts';
import { gate, handle, readAll } from './clone-cache-helpers.ts';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir('courier-clone-cache-');
});
afterEach(() => tmp.cleanup());

describe('CloneCache scheduling and eviction', () => {
  it('serialises jobs on one repository in arrival order', async () => {
    const remote = makeRemote(tmp.dir, 'app', { 'a.yaml': 'a\n' });
    const other = makeRemote(tmp.dir, 'other', { 'o.yaml': 'o\n' });
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache') });
    const events: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const first = gate();
    const aStarted = gate();
    const job = (name: string, wait?: Promise<void>) =>
      cache.withCheckout(handle(remote.url), undefined, async (co) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        events.push(`${name}:start`);
        if (name === 'a') aStarted.open();
        await co.readFiles();
        await wait;
        events.push(`${name}:end`);
        running--;
      });
    const jobs = [job('a', first.promise), job('b'), job('c')];
    // Once `a` runs, a whole job on another repository (clone, read) completes while `a` holds the queue.
    await aStarted.promise;
    await cache.withCheckout(handle(other.url, 'other'), undefined, readAll);
    expect(events).toEqual(['a:start']);
    first.open();
    await Promise.all(jobs);
    expect(events).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
    expect(maxRunning).toBe(1);
  });

  it('runs jobs on different repositories in parallel', async () => {
    const x = makeRemote(tmp.dir, 'x', { 'x.yaml': 'x\n' });
    const y = makeRemote(tmp.dir, 'y', { 'y.yaml': 'y\n' });
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache'), concurrency: 2 });
    const yDone = gate();
    // x's job can only finish once y's job has run: serial execution would never complete.
    const [xs, ys] = await Promise.all([
      cache.withCheckout(handle(x.url, 'x'), undefined, async (co) => {
        await yDone.promise;
        return readAll(co);
      }),
      cache.withCheckout(handle(y.url, 'y'), undefined, async (co) => {
        const r = await readAll(co);
        yDone.open();
        return r;
      }),
    ]);
    expect(xs.files).toEqual([{ path: 'x.yaml', text: 'x\n' }]);
    expect(ys.files).toEqual([{ path: 'y.yaml', text: 'y\n' }]);
    await cache.settled(); // size accounting and eviction run after the job returns
    expect(cache.stats()).toMatchObject({ repos: 2, misses: 2 });
  });

  it('evicts the least recently used repositories over maxRepos, never one in use', async () => {
    const remotes = ['r1', 'r2', 'r3'].map((n) => makeRemote(tmp.dir, n, { [`${n}.yaml`]: `${n}\n` }));
    const root = path.join(tmp.dir, 'cache');
    const cache = new CloneCache({ root, maxRepos: 2 });
    const dir = (n: string) => path.join(root, 'local', 'acme', `${n}.git`);
    const use = (i: number) => cache.withCheckout(handle(remotes[i]!.url, `r${i + 1}`), undefined, readAll);

    await use(0);
    await use(1);
    await use(0); // r1 is now more recent than r2
    await use(2);
    await cache.settled();
    expect([existsSync(dir('r1')), existsSync(dir('r2')), existsSync(dir('r3'))]).toEqual([true, false, true]);
    await cache.settled(); // size accounting and eviction run after the job returns
    expect(cache.stats().repos).toBe(2);

    const tight = new CloneCache({ root: path.join(tmp.dir, 'tight'), maxRepos: 1 });
    const hold = gate();
    const r1Running = gate();
    const held = tight.withCheckout(handle(remotes[0]!.url, 'r1'), undefined, async (co) => {
      r1Running.open();
      await hold.promise;
      return readAll(co);
    });
    await r1Running.promise;
    await tight.withCheckout(handle(remotes[1]!.url, 'r2'), undefined, readAll);
    const tightDir = (n: string) => path.join(tmp.dir, 'tight', 'local', 'acme', `${n}.git`);
    await tight.settled();
    expect(existsSync(tightDir('r1'))).toBe(true);
    expect(existsSync(tightDir('r2'))).toBe(false);
    hold.open();
    expect((await held).files).toEqual([{ path: 'r1.yaml', text: 'r1\n' }]);
    await tight.settled(); // size accounting and eviction run after the job returns
    expect(tight.stats().repos).toBe(1);
  });

  it('evicts over maxBytes and counts caches left by an earlier process', async () => {
    const a = makeRemote(tmp.dir, 'a', { 'a.yaml': 'a\n' });
    const b = makeRemote(tmp.dir, 'b', { 'b.yaml': 'b\n' });
    const root = path.join(tmp.dir, 'cache');
    const first = new CloneCache({ root });
    await first.withCheckout(handle(a.url, 'a'), undefined, readAll);
    await first.settled(); // size accounting and eviction run after the job returns
    const oneRepo = first.stats().bytes;

    const second = new CloneCache({ root, maxBytes: Math.floor(oneRepo * 1.5) });
    await second.withCheckout(handle(b.url, 'b'), undefined, readAll);
    await second.settled();
    expect(existsSync(path.join(root, 'local', 'acme', 'a.git'))).toBe(false);
    expect(existsSync(path.join(root, 'local', 'acme', 'b.git'))).toBe(true);
    await second.settled(); // size accounting and eviction run after the job returns
    expect(second.stats()).toMatchObject({ repos: 1, misses: 1 });
    await second.settled(); // size accounting and eviction run after the job returns
    expect(second.stats().bytes).toBeLessThanOrEqual(Math.floor(oneRepo * 1.5));
  });
});
