import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { setYieldSlice } from '../../src/event-loop-yield.ts';
import { BlobCache } from '../../src/git/blob-cache.ts';
import { CloneCache } from '../../src/git/clone-cache.ts';
import { readIncrementally } from '../../src/git/incremental-read.ts';
import { fixtureEnv, git, makeRemote, missingObjects, tempDir, type FixtureFile, type Remote } from './git-fixtures.ts';
import { handle, readAll } from './clone-cache-helpers.ts';

const yamlOnly = (p: string) => p.endsWith('.yaml');

/** A blobless bare clone of `remote`, as the clone cache keeps one, and the git options to read it. */
function bloblessClone(parent: string, remote: Remote) {
  const dir = path.join(parent, 'clone.git');
  git(parent, 'clone', '-q', '--bare', '--filter=blob:none', remote.url, dir);
  const fetch = () => {
    git(dir, 'fetch', '-q', '--filter=blob:none', 'origin', '+main:refs/heads/main');
    return git(dir, 'rev-parse', 'main');
  };
  return { dir, fetch, opts: { cwd: dir, env: fixtureEnv, secrets: [] } };
}

describe('readIncrementally', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => {
    tmp = tempDir('courier-incremental-read-');
  });
  afterEach(() => tmp.cleanup());

  it('reads a new commit by its changed blobs only, and a commit read before with no git call for blobs', async () => {
    const initial: Record<string, FixtureFile> = {};
    for (let i = 0; i < 20; i++) initial[`apps/app-${i}.yaml`] = `image: app:${i}.0.0\n`;
    initial['README.md'] = 'not read\n';
    const remote = makeRemote(tmp.dir, 'fleet', initial);
    const clone = bloblessClone(tmp.dir, remote);
    const cache = new BlobCache();
    const first = await readIncrementally(cache, 'fleet', clone.fetch(), yamlOnly, clone.opts);
    expect(first.stats).toEqual({ cached: 0, read: 20, fetched: true, checked: 'whole-tree', listingCached: false });

    remote.commit({ 'apps/app-3.yaml': 'image: app:3.1.0\n', 'apps/app-7.yaml': null, 'apps/new.yaml': 'image: new:1.0.0\n', 'README.md': 'changed, still not read\n' });
    const sha = clone.fetch();
    const second = await readIncrementally(cache, 'fleet', sha, yamlOnly, clone.opts);

    expect(second.stats).toEqual({ cached: 18, read: 2, fetched: true, checked: 'changes', listingCached: false });
    expect(second.files.find((f) => f.path === 'apps/app-3.yaml')?.text).toBe('image: app:3.1.0\n');
    expect(second.files.map((f) => f.path)).not.toContain('apps/app-7.yaml');
    // Only what the read needed was fetched: the changed README is still missing from the clone.
    expect(missingObjects(clone.dir, sha)).toEqual([git(remote.bare, 'rev-parse', 'main:README.md')]);

    const again = await readIncrementally(cache, 'fleet', sha, yamlOnly, clone.opts);
    expect(again.stats).toEqual({ cached: 20, read: 0, fetched: false, checked: 'none', listingCached: true });
    expect(again.files).toEqual(second.files);
  });

  it('lets the event loop run during a large read, even one answered from memory alone', async () => {
    // fast-import: adding 5,000 files one `git add` at a time would take a minute.
    const bare = path.join(tmp.dir, 'big.git');
    git(tmp.dir, 'init', '-q', '--bare', '-b', 'main', bare);
    git(bare, 'config', 'uploadpack.allowFilter', 'true');
    const stream = ['commit refs/heads/main', 'committer Test <test@example.com> 1700000000 +0000', 'data 4', 'big', ''];
    for (let i = 0; i < 5000; i++) {
      const text = `image: app:${i % 50}.0.0\n`;
      stream.push(`M 100644 inline apps/app-${i}.yaml`, `data ${text.length}`, text);
    }
    execFileSync('git', ['fast-import', '--quiet'], { cwd: bare, env: fixtureEnv, input: `${stream.join('\n')}\n` });
    const remote = { url: bare } as Remote;
    const clone = bloblessClone(tmp.dir, remote);
    const cache = new BlobCache();
    const sha = clone.fetch();
    const slice = setYieldSlice(0); // every check yields: proves the loops have their yield points, whatever this machine's speed
    onTestFinished(() => void setYieldSlice(slice));
    for (const pass of ['cold', 'from memory']) {
      const turns: string[] = [];
      setImmediate(() => turns.push('event loop'));
      const read = await readIncrementally(cache, 'big', sha, yamlOnly, clone.opts).then((r) => (turns.push('read'), r));
      expect(read.files, pass).toHaveLength(5000);
      expect(turns, pass).toEqual(['event loop', 'read']);
    }
  });

  it('reads a blob that is new to memory but old in the tree (evicted or filtered out before) by checking the whole tree', async () => {
    const remote = makeRemote(tmp.dir, 'app', { 'a.yaml': 'a: 1\n', 'b.txt': 'b\n' });
    const clone = bloblessClone(tmp.dir, remote);
    const cache = new BlobCache();
    await readIncrementally(cache, 'app', clone.fetch(), yamlOnly, clone.opts);
    remote.commit({ 'a.yaml': 'a: 2\n' });
    const sha = clone.fetch();

    // b.txt is unchanged since the first commit, so `rev-list <new> --not <old>` does not list it.
    const all = await readIncrementally(cache, 'app', sha, undefined, clone.opts);

    expect(all.files).toEqual([
      { path: 'a.yaml', text: 'a: 2\n' },
      { path: 'b.txt', text: 'b\n' },
    ]);
    expect(all.stats).toMatchObject({ read: 2, fetched: true, checked: 'whole-tree' });
  });

  it('reads the same content under two paths once', async () => {
    const remote = makeRemote(tmp.dir, 'app', { 'x/a.yaml': 'same: 1\n', 'y/a.yaml': 'same: 1\n' });
    const clone = bloblessClone(tmp.dir, remote);
    const result = await readIncrementally(new BlobCache(), 'app', clone.fetch(), undefined, clone.opts);
    expect(result.files).toEqual([
      { path: 'x/a.yaml', text: 'same: 1\n' },
      { path: 'y/a.yaml', text: 'same: 1\n' },
    ]);
  });
});

describe('CloneCache with and without the blob cache', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => {
    tmp = tempDir('courier-incremental-same-');
  });
  afterEach(() => tmp.cleanup());

  it('gives the same answers as a cold read at every commit, with a roomy and with a tiny memory budget', async () => {
    const big = 'x'.repeat(5 * 1024 * 1024 + 1);
    const remote = makeRemote(tmp.dir, 'app', {
      'base/deploy.yaml': 'image: app:1.0.0\n',
      'base/kustomization.yaml': 'resources: [deploy.yaml]\n',
      'copy/deploy.yaml': 'image: app:1.0.0\n',
      'big.yaml': big,
      'logo.png': Buffer.from([0x89, 0x50, 0x00, 0x01]),
      'link.yaml': { symlink: 'base/deploy.yaml' },
      'überall/ä.yaml': 'name: ä\n',
      'a.b/c.yaml': 'dots: 1\n',
      a: 'a file that becomes a folder\n',
    });
    const steps: Array<Record<string, FixtureFile | null>> = [
      { 'base/deploy.yaml': 'image: app:1.1.0\n', 'new/one.yaml': 'one: 1\n' },
      { a: null, 'a/inner.yaml': 'inner: 1\n', 'copy/deploy.yaml': null, 'logo.png': 'now text\n' },
      { 'big.yaml': 'small now\n', 'base/renamed.yaml': 'image: app:1.1.0\n', 'base/deploy.yaml': null },
      {},
    ];
    const cold = new CloneCache({ root: path.join(tmp.dir, 'cold'), blobCache: false });
    const roomy = new CloneCache({ root: path.join(tmp.dir, 'roomy') });
    const tinyMemory = new BlobCache({ maxBytes: 400 });
    const tiny = new CloneCache({ root: path.join(tmp.dir, 'tiny'), blobCache: tinyMemory });
    const repo = handle(remote.url);
    const filters = [undefined, yamlOnly];
    for (let step = 0; step <= steps.length; step++) {
      for (const filter of filters) {
        const read = (cache: CloneCache) => cache.withCheckout(repo, 'main', async (co) => ({ sha: co.sha, ...(await co.readFiles(filter)) }));
        const expected = await read(cold);
        expect(await read(roomy), `step ${step}, roomy`).toEqual(expected);
        expect(await read(roomy), `step ${step}, roomy again`).toEqual(expected);
        expect(await read(tiny), `step ${step}, tiny`).toEqual(expected);
      }
      expect(tinyMemory.stats().bytes).toBeLessThanOrEqual(400);
      if (step < steps.length) remote.commit(steps[step]!);
    }
    expect(tinyMemory.stats().evictions).toBeGreaterThan(0);
  });

  it("a warm fetch brings the new commit's changed blobs, so the read fetches nothing more", async () => {
    const remote = makeRemote(tmp.dir, 'app', { 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 1\n' });
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache') });
    await cache.withCheckout(handle(remote.url), 'main', readAll);
    remote.commit({ 'a.yaml': 'a: 2\n' });
    const before = cache.stats().fetches;

    const warm = await cache.withCheckout(handle(remote.url), 'main', readAll);

    expect(warm.files).toEqual([
      { path: 'a.yaml', text: 'a: 2\n' },
      { path: 'b.yaml', text: 'b: 1\n' },
    ]);
    expect(cache.stats().fetches - before).toBe(1);
  });

  it('keeps nothing in memory for a repository the clone cache evicts', async () => {
    const a = makeRemote(tmp.dir, 'a', { 'a.yaml': 'a: 1\n' });
    const b = makeRemote(tmp.dir, 'b', { 'b.yaml': 'b: 1\n' });
    const memory = new BlobCache();
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache'), maxRepos: 1, blobCache: memory });
    await cache.withCheckout(handle(a.url, 'a'), undefined, readAll);
    const afterA = memory.stats().entries;
    await cache.withCheckout(handle(b.url, 'b'), undefined, readAll);
    await cache.settled(); // eviction runs after the job returns
    expect(afterA).toBe(2); // a.yaml's blob and the listing of a's commit
    expect(memory.stats().entries).toBe(2); // only b's now
  });
});
