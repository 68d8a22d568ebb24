import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** Where a repository's cache lives: `<host>/<owner>/<repo>` under the root, plus `.git`. */
export function cacheKey(repo: { owner: string; repo: string; cloneUrl: string }): string {
  const host = new URL(repo.cloneUrl).host || 'local';
  // Lower-cased like GitHub's names; anything odd becomes `_` so a key can never climb out of the root.
  const safe = (s: string) => s.toLowerCase().replace(/[^a-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return `${safe(host)}/${safe(repo.owner)}/${safe(repo.repo)}`;
}

/**
 * Lists the caches under `root`, oldest first, after removing what a crashed process left behind:
 * half-finished clones (`*.git.tmp-*`) and job worktrees (`.work/`).
 */
export async function findCaches(root: string): Promise<Array<{ key: string; mtimeMs: number }>> {
  await mkdir(root, { recursive: true });
  await rm(path.join(root, '.work'), { recursive: true, force: true });
  const found: Array<{ key: string; mtimeMs: number }> = [];
  for (const host of await dirs(root)) {
    for (const owner of await dirs(path.join(root, host))) {
      for (const name of await dirs(path.join(root, host, owner))) {
        const full = path.join(root, host, owner, name);
        if (name.includes('.git.tmp-')) await rm(full, { recursive: true, force: true });
        else if (name.endsWith('.git')) found.push({ key: `${host}/${owner}/${name.slice(0, -4)}`, mtimeMs: (await stat(full)).mtimeMs });
      }
    }
  }
  return found.sort((a, b) => a.mtimeMs - b.mtimeMs);
}

/** Whether `dir` looks like a git directory (has a HEAD). */
export async function isGitDir(dir: string): Promise<boolean> {
  return stat(path.join(dir, 'HEAD')).then(
    () => true,
    () => false,
  );
}

async function dirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
}
