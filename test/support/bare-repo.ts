/**
 * Seeds a bare git repository (the fake GitHub's backing store and the clone cache's remote) from a
 * folder or a map of files, with one `git add -A` so 10,000 files take one process, not 10,000.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gitEnv } from './git-store.ts';

/** A bare repository and the working clone that pushes to it. */
export interface SeededRepo {
  bare: string;
  /** Writes files (null deletes), commits on main, pushes; returns the new commit id. */
  commit(files: Record<string, string | null>, message?: string): string;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: gitEnv(), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).trim();
}

/** Creates `<parent>/<name>.git` whose main holds `from` (a folder to copy, and/or files). */
export function seedBareRepo(parent: string, name: string, from: { dir?: string; files?: Record<string, string> }): SeededRepo {
  const bare = path.join(parent, `${name}.git`);
  const work = path.join(parent, `${name}-work`);
  git(parent, 'init', '-q', '--bare', '-b', 'main', bare);
  git(bare, 'config', 'uploadpack.allowFilter', 'true');
  git(parent, 'init', '-q', '-b', 'main', work);
  git(work, 'remote', 'add', 'origin', bare);
  if (from.dir) cpSync(from.dir, work, { recursive: true });
  const commit = (files: Record<string, string | null>, message = 'seed') => {
    for (const [p, text] of Object.entries(files)) {
      const full = path.join(work, p);
      if (text === null) rmSync(full, { force: true });
      else {
        mkdirSync(path.dirname(full), { recursive: true });
        writeFileSync(full, text);
      }
    }
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '--allow-empty', '-m', message);
    git(work, 'push', '-q', 'origin', 'main');
    return git(work, 'rev-parse', 'HEAD');
  };
  commit(from.files ?? {});
  return { bare, commit };
}
