import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CloneCache, type CloneCacheOptions } from '../../src/git/clone-cache.ts';
import { git, makeRemote, tempDir } from './git-fixtures.ts';
import { handle, readAll } from './clone-cache-helpers.ts';

/** The behaviour both checkout modes share; each mode's test file runs it, so the two run in parallel. */
export function checkoutModeSuite(mode: NonNullable<CloneCacheOptions['mode']>): void {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => {
    tmp = tempDir(`courier-clone-cache-${mode}-`);
  });
  afterEach(() => tmp.cleanup());

  it('cold-clones a blobless bare cache and reads the default branch', async () => {
    const remote = makeRemote(tmp.dir, 'app', { 'apps/a.yaml': 'a: 1\n', 'README.md': '# app\n' });
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache'), mode });
    const head = git(remote.bare, 'rev-parse', 'main');

    const result = await cache.withCheckout(handle(remote.url), undefined, readAll);

    expect(result.sha).toBe(head);
    expect(result.files).toEqual([
      { path: 'README.md', text: '# app\n' },
      { path: 'apps/a.yaml', text: 'a: 1\n' },
    ]);
    const gitDir = path.join(tmp.dir, 'cache', 'local', 'acme', 'app.git');
    expect(git(gitDir, 'rev-parse', '--is-bare-repository')).toBe('true');
    expect(git(gitDir, 'config', 'remote.origin.partialclonefilter')).toBe('blob:none');
    await cache.settled(); // size accounting and eviction run after the job returns
    expect(cache.stats()).toMatchObject({ repos: 1, hits: 0, misses: 1 });
    await cache.settled(); // size accounting and eviction run after the job returns
    expect(cache.stats().bytes).toBeGreaterThan(0);
  });

  it('warm use fetches new commits incrementally, for the default branch, a branch and a commit id', async () => {
    const remote = makeRemote(tmp.dir, 'app', { 'a.yaml': 'v: 1\n' });
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache'), mode });
    const repo = handle(remote.url);
    await cache.withCheckout(repo, undefined, readAll);

    const second = remote.commit({ 'a.yaml': 'v: 2\n' });
    const warm = await cache.withCheckout(repo, undefined, readAll);
    expect(warm).toMatchObject({ sha: second, files: [{ path: 'a.yaml', text: 'v: 2\n' }] });

    const dev = remote.commit({ 'b.yaml': 'dev\n' }, 'dev');
    const onDev = await cache.withCheckout(repo, 'dev', readAll);
    expect(onDev.sha).toBe(dev);
    expect(onDev.files.map((f) => f.path)).toEqual(['a.yaml', 'b.yaml']);

    remote.commit({ 'a.yaml': 'v: 3\n' }, 'main');
    const pinned = await cache.withCheckout(repo, second, async (co) => ({ ref: co.ref, ...(await readAll(co)) }));
    expect(pinned).toMatchObject({ ref: second, sha: second, files: [{ path: 'a.yaml', text: 'v: 2\n' }] });
    await cache.settled(); // size accounting and eviction run after the job returns
    expect(cache.stats()).toMatchObject({ repos: 1, hits: 3, misses: 1 });
  });

  it('skips oversized, binary, symlinked and submodule entries with warnings', async () => {
    const big = 'x'.repeat(5 * 1024 * 1024 + 1);
    const remote = makeRemote(tmp.dir, 'app', { 'ok.yaml': 'ok: true\n', 'big.yaml': big, 'logo.png': Buffer.from([0x89, 0x50, 0x00, 0x01]), 'link.yaml': { symlink: '/etc/passwd' } });
    const sub = remote.commit({ 'vendor/lib': { gitlink: git(remote.bare, 'rev-parse', 'main') } });
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache'), mode });

    const result = await cache.withCheckout(handle(remote.url), undefined, readAll);

    expect(result.sha).toBe(sub);
    expect(result.files).toEqual([{ path: 'ok.yaml', text: 'ok: true\n' }]);
    expect(result.skipped.map((w) => [w.code, w.file])).toEqual([
      ['file-too-large', 'big.yaml'],
      ['symlink', 'link.yaml'],
      ['binary-file', 'logo.png'],
      ['submodule', 'vendor/lib'],
    ]);
  });
}
