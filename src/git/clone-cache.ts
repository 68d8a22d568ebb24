/**
 * The App's per-repository git clone cache. Each repository is kept as a blobless, bare partial clone
 * under `root/<host>/<owner>/<repo>.git`; every job fetches only the ref it needs and then reads the
 * blobs it wants straight from the object store (or, in `worktree` mode, from a throw-away
 * `git worktree`). Jobs on one repository run one at a time; different repositories run in parallel.
 * The installation token reaches git only through one process's environment (see git-auth.ts).
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import pLimit from 'p-limit';
import { simpleGit } from 'simple-git';
import type { RepoFile } from '../core/repo-model/repo-file.ts';
import type { Warning } from '../core/proposal/change.ts';
import { assertCloneUrl, gitEnv, secretForms } from './git-auth.ts';
import { GitCommandError } from './git-error.ts';
import { gitError, type GitProcessOptions } from './git-process.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { diskUsage } from './disk-usage.ts';
import { classify, fetchMissingBlobs, listTree, MAX_FILE_BYTES, readBlobs, readWorktreeFiles, type ReadResult, type TreeEntry } from './tree-reader.ts';
import { cacheKey, findCaches, isGitDir } from './cache-layout.ts';
import { BlobCache } from './blob-cache.ts';
import { readIncrementally } from './incremental-read.ts';

/** Structured logger; fields never carry tokens. */
export type CloneCacheLog = (msg: string, fields: Record<string, unknown>) => void;

/** Where and how much the cache may store, and how jobs read files. */
export interface CloneCacheOptions {
  root: string;
  /** Evict least-recently-used repositories while the cache is above this size (default 10 GiB). */
  maxBytes?: number;
  /** Evict least-recently-used repositories while more than this many are cached (default 200). */
  maxRepos?: number;
  log?: CloneCacheLog;
  /** Jobs running at once across repositories (default 4). */
  concurrency?: number;
  /** `objects` (default, faster; see bench/clone-cache.bench.ts) or a detached `worktree` per job. */
  mode?: 'objects' | 'worktree';
  /**
   * Files already read, kept in memory by blob id so a warm job re-reads only what changed (objects
   * mode; see incremental-read.ts). Default: a BlobCache with its default budget; `false`: none.
   */
  blobCache?: BlobCache | false;
}

/** A repository to work on: GitHub's `clone_url` and a source of fresh installation tokens. */
export interface RepoHandle {
  owner: string;
  repo: string;
  cloneUrl: string;
  token?: () => Promise<string>;
}

/** An up-to-date, isolated view of one commit for the duration of a job. */
export interface Checkout {
  /** The worktree in `worktree` mode; the bare cache repository (read-only by contract) in `objects` mode. */
  dir: string;
  sha: string;
  ref: string;
  /** Reads the commit's text files; oversized, binary, symlinked and submodule entries are skipped with a warning. */
  readFiles(filter?: (path: string) => boolean): Promise<{ files: RepoFile[]; skipped: Warning[] }>;
  /**
   * The newest commit at or before `sha` that changed a path matching one of the globs (git's `:(glob)`
   * pathspec: `**` crosses folders), or undefined when none did. Trees only: works on the blob-less cache.
   */
  lastChange?(globs: readonly string[]): Promise<string | undefined>;
  /** Up to `n` commits at or before the checked-out one that changed a path matching the globs, newest first. */
  history?(globs: readonly string[], n: number): Promise<string[]>;
  /** Paths the checked-out commit changed against its first parent (every path for a root commit). */
  changedPaths?(): Promise<string[]>;
  /** The first parent's text files (none for a root commit), read like `readFiles`. */
  readParentFiles?(filter?: (path: string) => boolean): Promise<{ files: RepoFile[]; skipped: Warning[] }>;
}

interface Entry {
  key: string;
  dir: string;
  present: boolean;
  bytes: number;
  lastUsed: number;
  /** Jobs queued or running; an entry with pending jobs is never evicted. */
  pending: number;
  corrupt: boolean;
  /** `remote.origin.url` as last seen or set, to skip a git call per job. */
  url?: string;
}

interface JobContext {
  entry: Entry;
  env: Record<string, string>;
  secrets: string[];
  repo: RepoHandle;
}

/** Per-repository cache of blobless clones, with serialised jobs, bounded disk use and self-repair. */
export class CloneCache {
  private readonly entries = new Map<string, Entry>();
  private readonly queue = new KeyedQueue();
  private readonly limit;
  private readonly maxBytes: number;
  private readonly maxRepos: number;
  private readonly mode: 'objects' | 'worktree';
  private readonly log: CloneCacheLog;
  private readonly ready: Promise<void>;
  private tick = 0;
  private readonly counters = { hits: 0, misses: 0, fetches: 0 };
  private readonly blobs: BlobCache | undefined;

  private housekeeping: Promise<void> = Promise.resolve();

  constructor(private readonly opts: CloneCacheOptions) {
    this.limit = pLimit(opts.concurrency ?? 4);
    this.maxBytes = opts.maxBytes ?? 10 * 1024 ** 3;
    this.maxRepos = opts.maxRepos ?? 200;
    this.mode = opts.mode ?? 'objects';
    this.log = opts.log ?? (() => undefined);
    this.blobs = opts.blobCache === false ? undefined : (opts.blobCache ?? new BlobCache());
    // An unusable root fails every job with a clear message instead of crashing the process at start.
    this.ready = this.scan().catch((err: unknown) => {
      throw new Error(`clone cache folder ${opts.root} cannot be used (${(err as Error).message}); point COURIER_CACHE_DIR at a writable folder`);
    });
    this.ready.catch((err: unknown) => this.log('clone cache unusable', { error: (err as Error).message }));
  }

  /**
   * Runs fn with an up-to-date, isolated checkout of `ref` (default branch if omitted); jobs on one
   * repo are serialised. `reuse` names a commit the caller fetched for `ref` a moment ago (in this
   * cache): when the cache still holds it, no fetch is made (a second job right after an evaluation).
   */
  async withCheckout<T>(repo: RepoHandle, ref: string | undefined, fn: (co: Checkout) => Promise<T>, opts: { reuse?: string } = {}): Promise<T> {
    assertCloneUrl(repo.cloneUrl);
    await this.ready;
    const key = cacheKey(repo);
    const entry = this.entryFor(key);
    entry.pending++;
    try {
      return await this.queue.run(key, () => this.limit(() => this.job(entry, repo, ref, fn, opts.reuse)));
    } finally {
      entry.pending--;
      entry.lastUsed = ++this.tick;
      // Measuring the repository on disk and evicting take ~100 ms on a warm cache: done after the
      // caller has its result (one after another, so evictions never overlap).
      this.housekeeping = this.housekeeping.then(async () => {
        entry.bytes = await diskUsage(entry.dir);
        await this.evict();
      }).catch((err: unknown) => this.log('clone cache housekeeping failed', { error: (err as Error).message }));
    }
  }

  /** Resolves when the size accounting and eviction of finished jobs are done (tests, shutdown). */
  async settled(): Promise<void> {
    await this.housekeeping;
  }

  /** Cache size and effectiveness: cached repositories, bytes on disk, warm/cold jobs and git fetches run. */
  stats(): { repos: number; bytes: number; hits: number; misses: number; fetches: number } {
    let repos = 0;
    let bytes = 0;
    for (const e of this.entries.values()) {
      if (!e.present) continue;
      repos++;
      bytes += e.bytes;
    }
    return { repos, bytes, ...this.counters };
  }

  private entryFor(key: string): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { key, dir: path.join(this.opts.root, `${key}.git`), present: false, bytes: 0, lastUsed: 0, pending: 0, corrupt: false };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private async job<T>(entry: Entry, repo: RepoHandle, ref: string | undefined, fn: (co: Checkout) => Promise<T>, reuse?: string): Promise<T> {
    const token = repo.token ? await repo.token() : undefined;
    const ctx: JobContext = { entry, env: gitEnv(token), secrets: secretForms(token), repo };
    const fields = { repo: `${repo.owner}/${repo.repo}`, ref: ref ?? 'HEAD' };
    let sha: string;
    try {
      sha = (reuse && entry.present && (await this.holds(ctx, reuse))) ? reuse : await this.prepare(ctx, ref);
    } catch (e) {
      if (!(e instanceof GitCommandError && e.corruption)) throw e;
      this.log('clone cache corrupt; re-cloning', { ...fields, error: e.message });
      entry.corrupt = true;
      sha = await this.prepare(ctx, ref);
    }
    this.log('clone cache ready', { ...fields, sha });
    const worktree = this.mode === 'worktree' ? await this.addWorktree(ctx, sha) : undefined;
    const checkout: Checkout = {
      dir: worktree ?? entry.dir,
      sha,
      ref: ref ?? 'HEAD',
      readFiles: (filter) => this.readFiles(ctx, sha, worktree, filter),
      lastChange: async (globs) => {
        if (globs.length === 0) return undefined;
        const out = await this.git(ctx, ['log', '-1', '--format=%H', sha, '--', ...globs.map((g) => `:(glob)${g}`)]);
        return out.trim() || undefined;
      },
      history: async (globs, n) => {
        if (globs.length === 0) return [];
        const out = await this.git(ctx, ['log', `-n${n}`, '--format=%H', sha, '--', ...globs.map((g) => `:(glob)${g}`)]);
        return out.split('\n').filter(Boolean);
      },
      readParentFiles: async (filter) => {
        const parent = (await this.git(ctx, ['rev-list', '--parents', '-n', '1', sha])).trim().split(' ')[1];
        return parent ? this.readFiles(ctx, parent, undefined, filter) : { files: [], skipped: [] };
      },
      changedPaths: async () => {
        const parents = (await this.git(ctx, ['rev-list', '--parents', '-n', '1', sha])).trim().split(' ').slice(1);
        const out = parents.length === 0 ? await this.git(ctx, ['ls-tree', '-r', '--name-only', sha]) : await this.git(ctx, ['diff', '--name-only', '--no-renames', parents[0]!, sha]);
        return out.split('\n').filter(Boolean);
      },
    };
    try {
      return await fn(checkout);
    } finally {
      if (worktree) await this.removeWorktree(ctx, worktree);
    }
  }

  /** True when the cache repository has the commit (`git cat-file -e`). */
  private async holds(ctx: JobContext, sha: string): Promise<boolean> {
    if (!/^[0-9a-f]{40,64}$/.test(sha)) return false;
    return this.git(ctx, ['cat-file', '-e', `${sha}^{commit}`]).then(() => true, () => false);
  }

  /** Makes sure the cache exists and holds `ref`; returns the commit it points at. */
  private async prepare(ctx: JobContext, ref: string | undefined): Promise<string> {
    const { entry } = ctx;
    if (entry.corrupt) {
      await rm(entry.dir, { recursive: true, force: true });
      entry.present = false;
      entry.corrupt = false;
      entry.url = undefined;
    }
    if (!entry.present) entry.present = await isGitDir(entry.dir);
    if (entry.present) {
      this.counters.hits++;
      await this.syncRemoteUrl(ctx);
    } else {
      this.counters.misses++;
      await this.clone(ctx);
      entry.present = true;
      entry.url = ctx.repo.cloneUrl;
      if (ref === undefined) return this.revParse(ctx, 'HEAD');
    }
    const src = ref ?? 'HEAD';
    // Hashed so that refs like `a` and `a/b` never collide as directory and file under refs/.
    const dest = `refs/courier/${createHash('sha1').update(src).digest('hex')}`;
    this.counters.fetches++;
    // Blobs up to the read limit come along: the server sends only those new since the commits the
    // cache has, which are the ones an incremental read needs, so it needs no second round trip.
    await this.git(ctx, ['fetch', '--no-tags', '--no-write-fetch-head', `--filter=blob:limit=${MAX_FILE_BYTES}`, 'origin', `+${src}:${dest}`]);
    return this.revParse(ctx, dest);
  }

  /** Clones into a temporary sibling and renames it into place, so a crash never leaves half a cache. */
  private async clone(ctx: JobContext): Promise<void> {
    const { entry, repo } = ctx;
    await mkdir(path.dirname(entry.dir), { recursive: true });
    const tmp = `${entry.dir}.tmp-${randomBytes(4).toString('hex')}`;
    try {
      this.counters.fetches++;
      await this.git(ctx, ['clone', '--bare', '--filter=blob:none', '--no-tags', '--single-branch', repo.cloneUrl, tmp], path.dirname(entry.dir));
      await rm(entry.dir, { recursive: true, force: true });
      await rename(tmp, entry.dir);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    this.log('clone cache cloned', { repo: `${repo.owner}/${repo.repo}` });
  }

  /** Follows a changed `clone_url` (renamed or transferred repository) without re-cloning. */
  private async syncRemoteUrl(ctx: JobContext): Promise<void> {
    const { entry, repo } = ctx;
    entry.url ??= (await this.git(ctx, ['config', '--get', 'remote.origin.url'])).trim();
    if (entry.url !== repo.cloneUrl) {
      await this.git(ctx, ['remote', 'set-url', 'origin', repo.cloneUrl]);
      entry.url = repo.cloneUrl;
    }
  }

  private async revParse(ctx: JobContext, rev: string): Promise<string> {
    return (await this.git(ctx, ['rev-parse', '--verify', `${rev}^{commit}`])).trim();
  }

  private async readFiles(
    ctx: JobContext,
    sha: string,
    worktree: string | undefined,
    filter: ((p: string) => boolean) | undefined,
  ): Promise<{ files: RepoFile[]; skipped: Warning[] }> {
    const proc = this.processOptions(ctx);
    try {
      if (this.blobs && !worktree) {
        const { files, skipped, stats } = await readIncrementally(this.blobs, ctx.entry.key, sha, filter, proc);
        if (stats.fetched) this.counters.fetches++;
        return { files, skipped };
      }
      const { blobs, skipped } = classify(await listTree(sha, proc), filter);
      const read = worktree ? await readWorktreeFiles(worktree, blobs) : await this.readFromObjects(ctx, sha, blobs);
      return { files: read.files, skipped: [...skipped, ...read.skipped].sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '')) };
    } catch (e) {
      // The job may have side effects, so it is not re-run; the next job starts from a fresh clone.
      if (e instanceof GitCommandError && e.corruption) ctx.entry.corrupt = true;
      throw e;
    }
  }

  private async readFromObjects(ctx: JobContext, sha: string, blobs: TreeEntry[]): Promise<ReadResult> {
    const proc = this.processOptions(ctx);
    if (await fetchMissingBlobs(sha, blobs, proc)) this.counters.fetches++;
    return readBlobs(blobs, proc);
  }

  private async addWorktree(ctx: JobContext, sha: string): Promise<string> {
    const base = path.join(this.opts.root, '.work');
    await mkdir(base, { recursive: true });
    const dir = path.join(base, `${path.basename(ctx.entry.dir, '.git')}-${randomBytes(4).toString('hex')}`);
    await this.git(ctx, ['worktree', 'add', '--detach', dir, sha]);
    return dir;
  }

  private async removeWorktree(ctx: JobContext, dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
    await this.git(ctx, ['worktree', 'prune']).catch(() => undefined);
  }

  /** Runs git through simple-git in the cache repository, turning failures into redacted GitCommandErrors. */
  private async git(ctx: JobContext, args: string[], cwd = ctx.entry.dir): Promise<string> {
    // GIT_CONFIG_COUNT carries the auth header and resets credential.helper; simple-git guards
    // both by default, so exactly these two are allowed.
    const git = simpleGit({ baseDir: cwd, unsafe: { allowUnsafeConfigEnvCount: true, allowUnsafeCredentialHelper: true } }).env(ctx.env);
    try {
      return await git.raw(args);
    } catch (e) {
      throw gitError(args, e instanceof Error ? e.message : String(e), ctx.secrets);
    }
  }

  private processOptions(ctx: JobContext): GitProcessOptions {
    return { cwd: ctx.entry.dir, env: ctx.env, secrets: ctx.secrets };
  }

  /** Drops least-recently-used idle repositories until the cache is within its bounds. */
  private async evict(): Promise<void> {
    const idle = [...this.entries.values()].filter((e) => e.present && e.pending === 0).sort((a, b) => a.lastUsed - b.lastUsed);
    let { repos, bytes } = this.stats();
    const removals: Array<Promise<void>> = [];
    for (const victim of idle) {
      if (repos <= this.maxRepos && bytes <= this.maxBytes) break;
      repos--;
      bytes -= victim.bytes;
      this.entries.delete(victim.key);
      this.blobs?.forget(victim.key);
      // Under the repository's queue, so a job arriving meanwhile waits for the removal and re-clones.
      removals.push(
        this.queue.run(victim.key, async () => {
          try {
            await rm(victim.dir, { recursive: true, force: true });
            this.log('clone cache evicted', { key: victim.key, bytes: victim.bytes });
          } catch (e) {
            // A failed removal must not fail the job that triggered it; the next scan finds the leftovers.
            this.log('clone cache eviction failed', { key: victim.key, error: e instanceof Error ? e.message : String(e) });
          }
        }),
      );
    }
    await Promise.all(removals);
  }

  /** Adopts caches left by a previous process, oldest first, so their disk use counts from the start. */
  private async scan(): Promise<void> {
    for (const found of await findCaches(this.opts.root)) {
      const entry = this.entryFor(found.key);
      entry.present = true;
      entry.lastUsed = ++this.tick;
      entry.bytes = await diskUsage(entry.dir);
    }
  }

}
