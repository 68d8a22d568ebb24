/**
 * A `ModelStore` whose refs and commits are a bare git repository on disk, so what the fake GitHub's
 * `createCommitOnBranch` writes is a real commit the clone cache fetches next time. Written with git
 * plumbing through simple-git: `hash-object -w` for blobs, a throw-away index (`read-tree`,
 * `update-index`, `write-tree`) for the tree — mktree would need one call per directory level —
 * then `commit-tree` and a compare-and-swap `update-ref`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import type { FileChanges, ModelCommit, ModelStore } from './github-model.ts';

const ZERO = '0'.repeat(40);
/** Files per git invocation (keeps argv well under the OS limit). */
const CHUNK = 500;

/** Identity of fake GitHub's commits, like GitHub's own web-flow committer. */
export const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'courier-test[bot]',
  GIT_AUTHOR_EMAIL: 'courier-test[bot]@users.noreply.github.com',
  GIT_COMMITTER_NAME: 'GitHub',
  GIT_COMMITTER_EMAIL: 'noreply@github.com',
};

let home: string | undefined;

/** The environment every git call of the tests and the bench runs with (no global config). */
export function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  // Only what git needs, and an empty HOME instead of GIT_CONFIG_GLOBAL: simple-git refuses
  // variables that could run other programs or read other config files (EDITOR, GIT_CONFIG_GLOBAL).
  home ??= mkdtempSync(join(tmpdir(), 'fake-github-home-'));
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...GIT_IDENTITY, GIT_CONFIG_NOSYSTEM: '1', ...extra };
}

/** A bare repository as the fake GitHub's store. */
export class GitStore implements ModelStore {
  readonly git: SimpleGit;
  /** Oids of the commits `createCommitOnBranch` made (GitHub would sign them: Verified). */
  readonly verified = new Set<string>();
  private readonly info = new Map<string, ModelCommit>();

  constructor(readonly bareDir: string) {
    this.git = simpleGit(bareDir).env(gitEnv());
  }

  async ref(branch: string): Promise<string | undefined> {
    try {
      return (await this.git.raw(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  async setRef(branch: string, oid: string, expected?: string | null): Promise<boolean> {
    const args = ['update-ref', `refs/heads/${branch}`, oid];
    if (expected !== undefined) args.push(expected ?? ZERO);
    try {
      await this.git.raw(args);
      return true;
    } catch {
      return false;
    }
  }

  async deleteRef(branch: string): Promise<void> {
    await this.git.raw(['update-ref', '-d', `refs/heads/${branch}`]);
  }

  async commit(oid: string): Promise<ModelCommit | undefined> {
    const known = this.info.get(oid);
    if (known) return known;
    let raw: string;
    try {
      raw = await this.git.raw(['show', '-s', '--format=%P%x00%B', oid]);
    } catch {
      return undefined;
    }
    const [parents, ...message] = raw.split('\0');
    const parent = parents!.trim().split(' ')[0] || null;
    const diff = parent ? await this.git.raw(['diff-tree', '-r', '--name-only', '--no-commit-id', parent, oid]) : await this.git.raw(['ls-tree', '-r', '--name-only', oid]);
    const commit: ModelCommit = { oid, parent, message: message.join('\0').trim(), changed: diff.split('\n').filter(Boolean).length, verified: this.verified.has(oid) };
    this.info.set(oid, commit);
    return commit;
  }

  async blobs(oid: string, paths: string[]): Promise<Record<string, string | null>> {
    const out: Record<string, string | null> = Object.fromEntries(paths.map((p) => [p, null]));
    if (paths.length === 0) return out;
    const listing = await this.git.raw(['ls-tree', '-z', '--full-tree', oid, '--', ...paths]);
    for (const entry of listing.split('\0').filter(Boolean)) {
      const [meta, path] = entry.split('\t');
      const [, type, blob] = meta!.split(' ');
      if (type === 'blob' && path! in out) out[path!] = blob!;
    }
    return out;
  }

  async writeCommit(parent: string, changes: FileChanges, message: string): Promise<string> {
    const scratch = await mkdtemp(join(tmpdir(), 'fake-github-index-'));
    try {
      const indexed = simpleGit(this.bareDir).env(gitEnv({ GIT_INDEX_FILE: join(scratch, 'index') }));
      await indexed.raw(['read-tree', parent]);
      // Batched: one hash-object and one update-index per chunk of files, not two processes per file.
      const blobFiles = await Promise.all(
        changes.additions.map(async (addition, i) => {
          const file = join(scratch, `blob-${i}`);
          await writeFile(file, Buffer.from(addition.contents, 'base64'));
          return file;
        }),
      );
      for (let start = 0; start < changes.additions.length; start += CHUNK) {
        const chunk = changes.additions.slice(start, start + CHUNK);
        const blobs = (await this.git.raw(['hash-object', '-w', '--', ...blobFiles.slice(start, start + CHUNK)])).trim().split('\n');
        await indexed.raw(['update-index', '--add', ...chunk.flatMap((a, i) => ['--cacheinfo', `100644,${blobs[i]!},${a.path}`])]);
      }
      if (changes.deletions.length > 0) {
        // `update-index --force-remove` wants a work tree; `--index-info` with mode 0 removes entries in a bare repository.
        const input = changes.deletions.map((d) => `0 ${'0'.repeat(40)}\t${d.path}\n`).join('');
        execFileSync('git', ['update-index', '--index-info'], { cwd: this.bareDir, env: gitEnv({ GIT_INDEX_FILE: join(scratch, 'index'), GIT_DIR: this.bareDir }), input });
      }
      const tree = (await indexed.raw(['write-tree'])).trim();
      // From a file: a large group's message can pass the 128 KiB limit of one argument (E2BIG).
      const messageFile = join(scratch, 'message');
      await writeFile(messageFile, message);
      const oid = (await this.git.raw(['commit-tree', tree, '-p', parent, '-F', messageFile])).trim();
      this.verified.add(oid);
      return oid;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** The text of `path` at `ref` (a branch or an oid), or undefined when absent. */
  async readFile(ref: string, path: string): Promise<string | undefined> {
    try {
      return await this.git.raw(['show', `${ref}:${path}`]);
    } catch (error) {
      if (/does not exist|not in '|invalid object name|bad revision/i.test((error as Error).message)) return undefined;
      throw error;
    }
  }

  /** Paths whose content differs between two commits. */
  async changedPaths(from: string, to: string): Promise<string[]> {
    return (await this.git.raw(['diff-tree', '-r', '--name-only', '--no-commit-id', from, to])).split('\n').filter(Boolean);
  }
}
