import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloneCache, cacheKey, type Checkout, type RepoHandle } from '../../src/git/clone-cache.ts';
import { basicAuthHeader } from '../../src/git/git-auth.ts';
import { GitCommandError } from '../../src/git/git-error.ts';
import { git, makeRemote, missingObjects, tempDir } from './git-fixtures.ts';
import { startGitHttpServer } from './git-http-server.ts';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir('courier-clone-cache-');
});
afterEach(() => tmp.cleanup());

function handle(url: string, repo = 'app', token?: string): RepoHandle {
  return { owner: 'acme', repo, cloneUrl: url, ...(token ? { token: async () => token } : {}) };
}

const readAll = async (co: Checkout) => ({ sha: co.sha, ...(await co.readFiles()) });

/** A promise with its resolve function, to hold a job open until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/** Every file under `dir`, recursively (symlinks listed, not followed). */
function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    return d.isDirectory() ? allFiles(full) : [full];
  });
}

describe.each(['objects', 'worktree'] as const)('CloneCache (%s mode)', (mode) => {
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
    expect(cache.stats()).toMatchObject({ repos: 1, hits: 0, misses: 1 });
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
});

describe('CloneCache', () => {
  it('fetches only the blobs the filter asks for, in objects mode', async () => {
    const remote = makeRemote(tmp.dir, 'app', { 'a.yaml': 'a\n', 'b.txt': 'b\n', 'c.yaml': 'c\n' });
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache') });
    const result = await cache.withCheckout(handle(remote.url), undefined, async (co) => ({
      dir: co.dir,
      ...(await co.readFiles((p) => p.endsWith('.yaml'))),
    }));
    expect(result.files.map((f) => f.path)).toEqual(['a.yaml', 'c.yaml']);
    const bOid = git(remote.bare, 'rev-parse', 'main:b.txt');
    expect(missingObjects(result.dir, 'main')).toEqual([bOid]);
  });

  it('removes the worktree after the job, even when the job throws', async () => {
    const remote = makeRemote(tmp.dir, 'app', { 'a.yaml': 'a\n' });
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache'), mode: 'worktree' });
    let dir = '';
    await expect(
      cache.withCheckout(handle(remote.url), undefined, async (co) => {
        dir = co.dir;
        expect(readFileSync(path.join(co.dir, 'a.yaml'), 'utf8')).toBe('a\n');
        throw new Error('job failed');
      }),
    ).rejects.toThrow('job failed');
    expect(existsSync(dir)).toBe(false);
    expect(git(path.join(tmp.dir, 'cache', 'local', 'acme', 'app.git'), 'worktree', 'list')).not.toContain(dir);
  });

  it('serialises jobs on one repository in arrival order', async () => {
    const remote = makeRemote(tmp.dir, 'app', { 'a.yaml': 'a\n' });
    const other = makeRemote(tmp.dir, 'other', { 'o.yaml': 'o\n' });
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache') });
    const events: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const first = gate();
    const job = (name: string, wait?: Promise<void>) =>
      cache.withCheckout(handle(remote.url), undefined, async (co) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        events.push(`${name}:start`);
        await co.readFiles();
        await wait;
        events.push(`${name}:end`);
        running--;
      });
    const jobs = [job('a', first.promise), job('b'), job('c')];
    // A whole job on another repository (clone, fetch, read) completes while `a` holds the queue.
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
    expect([existsSync(dir('r1')), existsSync(dir('r2')), existsSync(dir('r3'))]).toEqual([true, false, true]);
    expect(cache.stats().repos).toBe(2);

    const tight = new CloneCache({ root: path.join(tmp.dir, 'tight'), maxRepos: 1 });
    const hold = gate();
    const held = tight.withCheckout(handle(remotes[0]!.url, 'r1'), undefined, async (co) => {
      await hold.promise;
      return readAll(co);
    });
    await tight.withCheckout(handle(remotes[1]!.url, 'r2'), undefined, readAll);
    const tightDir = (n: string) => path.join(tmp.dir, 'tight', 'local', 'acme', `${n}.git`);
    expect(existsSync(tightDir('r1'))).toBe(true);
    expect(existsSync(tightDir('r2'))).toBe(false);
    hold.open();
    expect((await held).files).toEqual([{ path: 'r1.yaml', text: 'r1\n' }]);
    expect(tight.stats().repos).toBe(1);
  });

  it('evicts over maxBytes and counts caches left by an earlier process', async () => {
    const a = makeRemote(tmp.dir, 'a', { 'a.yaml': 'a\n' });
    const b = makeRemote(tmp.dir, 'b', { 'b.yaml': 'b\n' });
    const root = path.join(tmp.dir, 'cache');
    const first = new CloneCache({ root });
    await first.withCheckout(handle(a.url, 'a'), undefined, readAll);
    const oneRepo = first.stats().bytes;

    const second = new CloneCache({ root, maxBytes: Math.floor(oneRepo * 1.5) });
    await second.withCheckout(handle(b.url, 'b'), undefined, readAll);
    expect(existsSync(path.join(root, 'local', 'acme', 'a.git'))).toBe(false);
    expect(existsSync(path.join(root, 'local', 'acme', 'b.git'))).toBe(true);
    expect(second.stats()).toMatchObject({ repos: 1, misses: 1 });
    expect(second.stats().bytes).toBeLessThanOrEqual(Math.floor(oneRepo * 1.5));
  });

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
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it('does not re-clone on errors that are not corruption', async () => {
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache') });
    const err = await cache.withCheckout(handle(`file://${tmp.dir}/nowhere.git`), undefined, readAll).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitCommandError);
    expect(err).toMatchObject({ command: 'clone', corruption: false });
    expect(cache.stats()).toMatchObject({ repos: 0, misses: 1 });
  });

  it('rejects clone URLs that carry credentials', async () => {
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache') });
    await expect(cache.withCheckout(handle('https://x-access-token:ghs_secret@github.com/acme/app.git'), undefined, readAll)).rejects.toThrow(
      /carries credentials/,
    );
  });

  it('keys caches by host, owner and repository', () => {
    expect(cacheKey(handle('https://github.example.com/Acme/App.git'))).toBe('github.example.com/acme/app');
  });
});

describe('CloneCache over smart HTTP with an installation token', () => {
  it('sends the token per command and never writes or leaks it', async () => {
    const token = 'ghs_TopSecretInstallationToken0123456789';
    const remote = makeRemote(tmp.dir, 'app', { 'a.yaml': 'a: 1\n' });
    git(remote.bare, 'config', 'http.receivepack', 'false');
    const server = await startGitHttpServer(tmp.dir, basicAuthHeader(token));
    const logs: string[] = [];
    const root = path.join(tmp.dir, 'cache');
    const cache = new CloneCache({ root, log: (msg, fields) => logs.push(msg + JSON.stringify(fields)) });
    try {
      const url = `${server.url}/app.git`;
      const first = await cache.withCheckout(handle(url, 'app', token), undefined, readAll);
      expect(first.files).toEqual([{ path: 'a.yaml', text: 'a: 1\n' }]);
      remote.commit({ 'a.yaml': 'a: 2\n' });
      const second = await cache.withCheckout(handle(url, 'app', token), undefined, readAll);
      expect(second.files).toEqual([{ path: 'a.yaml', text: 'a: 2\n' }]);
      expect(server.authHeaders.length).toBeGreaterThan(3);
      expect(server.authHeaders.every((h) => h === basicAuthHeader(token))).toBe(true);

      // Without the token the server refuses, and nothing prompts for credentials.
      await expect(cache.withCheckout(handle(url, 'app'), undefined, readAll)).rejects.toThrow(GitCommandError);

      // git's stderr names the URL; a URL that contains the token is redacted in the thrown error.
      const leaky = await cache
        .withCheckout(handle(`${server.url}/${token}.git`, 'leaky', token), undefined, readAll)
        .then(
          () => new Error('expected a failure'),
          (e: unknown) => e as Error,
        );
      expect(leaky).toBeInstanceOf(GitCommandError);
      expect(leaky.message).toContain('***');
      expect(leaky.message).not.toContain(token);

      const gitDir = path.join(root, '127.0.0.1_' + new URL(server.url).port, 'acme', 'app.git');
      expect(git(gitDir, 'config', 'remote.origin.url')).toBe(url);
      const secrets = [token, Buffer.from(`x-access-token:${token}`).toString('base64')];
      const files = allFiles(root);
      expect(files.length).toBeGreaterThan(5);
      for (const f of files) {
        if (statSync(f).isFile()) for (const s of secrets) expect(readFileSync(f).includes(s), f).toBe(false);
      }
      for (const s of secrets) expect(logs.join('\n')).not.toContain(s);
    } finally {
      await server.close();
    }
  });
});
