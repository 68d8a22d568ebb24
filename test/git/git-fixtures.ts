import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Environment for fixture git calls: fixed identity, no system or global config. */
export const fixtureEnv = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: os.tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Fixture',
  GIT_AUTHOR_EMAIL: 'fixture@example.com',
  GIT_COMMITTER_NAME: 'Fixture',
  GIT_COMMITTER_EMAIL: 'fixture@example.com',
};

/** Runs git synchronously in `cwd` with the fixture environment and returns trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: fixtureEnv, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).trim();
}

/** A file to commit: text or bytes, a symlink, or a submodule entry (gitlink) pointing at a commit. */
export type FixtureFile = string | Buffer | { symlink: string } | { gitlink: string };

/** A bare "remote" repository in a temp dir, plus a working clone used to push commits to it. */
export interface Remote {
  bare: string;
  url: string;
  /** Writes the files (null deletes), commits on `branch` (default main), pushes, and returns the commit id. */
  commit(files: Record<string, FixtureFile | null>, branch?: string): string;
}

/** Creates an empty temp dir removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Creates a bare remote `<parent>/<name>.git` (serving partial clones) with one initial commit. */
export function makeRemote(parent: string, name: string, files: Record<string, FixtureFile>): Remote {
  const bare = path.join(parent, `${name}.git`);
  const work = path.join(parent, `${name}-work`);
  git(parent, 'init', '-q', '--bare', '-b', 'main', bare);
  git(bare, 'config', 'uploadpack.allowFilter', 'true');
  git(parent, 'init', '-q', '-b', 'main', work);
  git(work, 'remote', 'add', 'origin', bare);
  const commit = (changes: Record<string, FixtureFile | null>, branch = 'main'): string => {
    const current = git(work, 'symbolic-ref', '--short', 'HEAD');
    if (current !== branch) {
      const exists = git(work, 'branch', '--list', branch) !== '';
      git(work, 'checkout', '-q', ...(exists ? [branch] : ['-b', branch]));
    }
    for (const [p, content] of Object.entries(changes)) {
      const full = path.join(work, p);
      mkdirSync(path.dirname(full), { recursive: true });
      if (content === null) {
        git(work, 'rm', '-q', '--cached', '--ignore-unmatch', p);
        rmSync(full, { recursive: true, force: true });
      } else if (typeof content === 'string' || Buffer.isBuffer(content)) {
        writeFileSync(full, content);
        git(work, 'add', p);
      } else if ('symlink' in content) {
        symlinkSync(content.symlink, full);
        git(work, 'add', p);
      } else {
        git(work, 'update-index', '--add', '--cacheinfo', `160000,${content.gitlink},${p}`);
      }
    }
    git(work, 'commit', '-q', '--allow-empty', '-m', `update ${Object.keys(changes).join(', ')}`);
    git(work, 'push', '-q', 'origin', branch);
    return git(work, 'rev-parse', 'HEAD');
  };
  commit(files);
  return { bare, url: `file://${bare}`, commit };
}

/** Object ids of the blobs that are missing (not yet fetched) in a partial clone at `gitDir`. */
export function missingObjects(gitDir: string, rev: string): string[] {
  return git(gitDir, 'rev-list', '--objects', '--missing=print', '--no-walk', rev)
    .split('\n')
    .filter((l) => l.startsWith('?'))
    .map((l) => l.slice(1));
}
