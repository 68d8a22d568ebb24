import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloneCache } from '../../src/git/clone-cache.ts';
import { GitCommandError } from '../../src/git/git-error.ts';
import { fixtureEnv, git, makeRemote, tempDir } from './git-fixtures.ts';
import { handle, readAll } from './clone-cache-helpers.ts';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir('courier-clone-cache-');
});
afterEach(() => tmp.cleanup());

describe('CloneCache recovery and refusals', () => {
  it('deletes a corrupt cache and re-clones once', async () => {
    const remote = makeRemote(tmp.dir, 'app', { 'a.yaml': 'v: 1\n' });
    const logs: string[] = [];
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache'), log: (msg) => logs.push(msg) });
    const repo = handle(remote.url);
    await cache.withCheckout(repo, undefined, readAll);

    // Packs gone and the tip commit's loose object garbage: git cannot read what its refs name.
    const gitDir = path.join(tmp.dir, 'cache', 'local', 'acme', 'app.git');
    const tip = git(gitDir, 'rev-parse', 'HEAD');
    const packs = path.join(gitDir, 'objects', 'pack');
    for (const f of readdirSync(packs)) rmSync(path.join(packs, f));
    mkdirSync(path.join(gitDir, 'objects', tip.slice(0, 2)), { recursive: true });
    writeFileSync(path.join(gitDir, 'objects', tip.slice(0, 2), tip.slice(2)), 'garbage');
    const next = remote.commit({ 'a.yaml': 'v: 2\n' });

    const result = await cache.withCheckout(repo, undefined, readAll);
    expect(result).toMatchObject({ sha: next, files: [{ path: 'a.yaml', text: 'v: 2\n' }] });
    expect(logs).toContain('clone cache corrupt; re-cloning');
    await cache.settled(); // size accounting and eviction run after the job returns
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it('fails a job whose blob is damaged and re-clones for the next job', async () => {
    const remote = makeRemote(tmp.dir, 'app', { 'a.yaml': 'v: 1\n' });
    // Without the in-memory blob cache: with it, a blob read once is never read from disk again.
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache'), blobCache: false });
    const repo = handle(remote.url);
    await cache.withCheckout(repo, undefined, readAll);

    // Commits and trees intact, as loose objects; only the blob of a.yaml is garbage.
    const gitDir = path.join(tmp.dir, 'cache', 'local', 'acme', 'app.git');
    const blob = git(gitDir, 'rev-parse', 'HEAD:a.yaml');
    const packs = path.join(gitDir, 'objects', 'pack');
    for (const f of readdirSync(packs).filter((f) => f.endsWith('.pack'))) {
      const moved = path.join(tmp.dir, f);
      renameSync(path.join(packs, f), moved);
      execFileSync('git', ['unpack-objects', '-q'], { cwd: gitDir, input: readFileSync(moved), env: fixtureEnv });
    }
    for (const f of readdirSync(packs)) rmSync(path.join(packs, f));
    writeFileSync(path.join(gitDir, 'objects', blob.slice(0, 2), blob.slice(2)), 'garbage');

    const err = await cache.withCheckout(repo, undefined, readAll).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitCommandError);
    expect(err).toMatchObject({ command: 'cat-file', corruption: true });

    const next = await cache.withCheckout(repo, undefined, readAll);
    expect(next.files).toEqual([{ path: 'a.yaml', text: 'v: 1\n' }]);
    // Cold, warm (failed), cold again: the damaged cache was not reused.
    await cache.settled(); // size accounting and eviction run after the job returns
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it('does not re-clone on errors that are not corruption', async () => {
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache') });
    const err = await cache.withCheckout(handle(`file://${tmp.dir}/nowhere.git`), undefined, readAll).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitCommandError);
    expect(err).toMatchObject({ command: 'clone', corruption: false });
    await cache.settled(); // size accounting and eviction run after the job returns
    expect(cache.stats()).toMatchObject({ repos: 0, misses: 1 });
  });

  it('fails jobs with a clear message, never the process, when the cache folder cannot be used', async () => {
    const file = path.join(tmp.dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const logged: string[] = [];
    const cache = new CloneCache({ root: path.join(file, 'cache'), log: (msg) => logged.push(msg) });
    const remote = makeRemote(tmp.dir, 'app', { 'a.yaml': 'a: 1\n' });
    await expect(cache.withCheckout(handle(remote.url), undefined, readAll)).rejects.toThrow(/cannot be used .*COURIER_CACHE_DIR/);
    expect(logged).toContain('clone cache unusable');
  });

  it('rejects clone URLs that carry credentials', async () => {
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache') });
    await expect(cache.withCheckout(handle('https://x-access-token:ghs_secret@github.com/acme/app.git'), undefined, readAll)).rejects.toThrow(
      /carries credentials/,
    );
  });
});
