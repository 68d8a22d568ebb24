/**
 * Seeds a bare git repository (the fake GitHub's backing store and the clone cache's remote) from a
 * folder and/or a map of files in one `git fast-import`, so 10,000 files cost one process and no
 * working tree; a working clone is made only when a later commit is pushed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gitEnv } from './git-store.ts';

/** A bare repository and a way to push commits to its main. */
export interface SeededRepo {
  bare: string;
  /** Writes files (null deletes), commits on main, pushes; returns the new commit id. */
  commit(files: Record<string, string | null>, message?: string): string;
}

function git(cwd: string, args: string[], input?: Buffer): string {
  return execFileSync('git', args, { cwd, env: gitEnv(), input, encoding: 'utf8', maxBuffer: 1024 ** 3 }).trim();
}

function filesOf(dir: string, prefix = ''): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, filesOf(path.join(dir, entry.name), rel));
    else if (entry.isFile()) out[rel] = readFileSync(path.join(dir, entry.name));
  }
  return out;
}

/** Creates `<parent>/<name>.git` whose main holds `from.dir`'s files overlaid with `from.files`. */
export function seedBareRepo(parent: string, name: string, from: { dir?: string; files?: Record<string, string> }): SeededRepo {
  const bare = path.join(parent, `${name}.git`);
  git(parent, ['init', '-q', '--bare', '-b', 'main', bare]);
  git(bare, ['config', 'uploadpack.allowFilter', 'true']);
  const files: Record<string, Buffer> = { ...(from.dir ? filesOf(from.dir) : {}) };
  for (const [p, text] of Object.entries(from.files ?? {})) files[p] = Buffer.from(text);
  const stream: Buffer[] = [Buffer.from('commit refs/heads/main\ncommitter Seed <seed@example.com> 1767225600 +0000\ndata 4\nseed\n')];
  for (const [p, bytes] of Object.entries(files)) stream.push(Buffer.from(`M 100644 inline ${p}\ndata ${bytes.length}\n`), bytes, Buffer.from('\n'));
  git(bare, ['fast-import', '--quiet'], Buffer.concat(stream));

  const work = path.join(parent, `${name}-work`);
  const commit = (changes: Record<string, string | null>, message = 'update') => {
    if (!existsSync(work)) git(parent, ['clone', '-q', bare, work]);
    for (const [p, text] of Object.entries(changes)) {
      const full = path.join(work, p);
      if (text === null) rmSync(full, { force: true });
      else {
        mkdirSync(path.dirname(full), { recursive: true });
        writeFileSync(full, text);
      }
    }
    git(work, ['add', '-A']);
    git(work, ['commit', '-q', '--allow-empty', '-m', message]);
    git(work, ['push', '-q', 'origin', 'main']);
    return git(work, ['rev-parse', 'HEAD']);
  };
  return { bare, commit };
}
