/**
 * The rollout test fleet (`test/fixtures/rollout/fleet`, see its SOURCE.md) as a git repository, and
 * what each cluster applies at a commit: `kubectl kustomize clusters/<cluster>`, then every folder its
 * Flux Kustomizations' `spec.path` names, built the same way (what kustomize-controller would apply).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { fixtureEnv } from '../git/git-fixtures.ts';

export const ROLLOUT_FLEET = new URL('../fixtures/rollout/fleet/', import.meta.url).pathname;
export const ROLLOUT_CLUSTERS = ['staging-1', 'prod-eu', 'prod-us'] as const;
export const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: fixtureEnv, encoding: 'utf8' }).trim();
}

/** A fresh repository holding the fleet on `main` (one commit). */
export function rolloutRepo(parent: string): string {
  const dir = join(parent, 'fleet');
  cpSync(ROLLOUT_FLEET, dir, { recursive: true });
  git(dir, 'init', '--quiet', '--initial-branch=main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '--quiet', '-m', 'fleet');
  return dir;
}

/** What every cluster applies at `commit`, by cluster. */
export function appliedAt(dir: string, commit: string): Map<string, string> {
  const wt = mkdtempSync(join(tmpdir(), 'courier-rollout-wt-'));
  git(dir, 'worktree', 'add', '--quiet', '--detach', wt, commit);
  try {
    const out = new Map<string, string>();
    for (const cluster of ROLLOUT_CLUSTERS) {
      const sync = execFileSync('kubectl', ['kustomize', join(wt, 'clusters', cluster)], { encoding: 'utf8' });
      let applied = sync;
      for (const doc of parseAllDocuments(sync)) {
        const o = doc.toJS() as { kind?: string; spec?: { path?: string } } | null;
        if (o?.kind === 'Kustomization' && o.spec?.path) applied += `\n# ${o.spec.path}\n${execFileSync('kubectl', ['kustomize', join(wt, o.spec.path)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })}`;
      }
      out.set(cluster, applied);
    }
    return out;
  } finally {
    git(dir, 'worktree', 'remove', '--force', wt);
    rmSync(wt, { recursive: true, force: true });
  }
}
