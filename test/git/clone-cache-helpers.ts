import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Checkout, RepoHandle } from '../../src/git/clone-cache.ts';

/** A RepoHandle for owner `acme`; with a token when one is given. */
export function handle(url: string, repo = 'app', token?: string): RepoHandle {
  return { owner: 'acme', repo, cloneUrl: url, ...(token ? { token: async () => token } : {}) };
}

/** Job body used by most tests: the commit and every readable file. */
export const readAll = async (co: Checkout) => ({ sha: co.sha, ...(await co.readFiles()) });

/** A promise with its resolve function, to hold a job open until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/** Every file under `dir`, recursively (symlinks listed, not followed). */
export function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    return d.isDirectory() ? allFiles(full) : [full];
  });
}
