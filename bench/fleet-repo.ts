/**
 * Writes a generated fleet (bench/fleet-generator.ts) into a fresh git repository with one commit,
 * so benchmarks and profiles can run `courier plan` on it as a user would. Run directly to keep one
 * for profiling: `node --import tsx bench/fleet-repo.ts <dir> [manifests]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SHAPE, generateFleet, imageOf } from './fleet-generator.ts';

/** The release the plan benchmarks ask for: newer than the first environment's tag (1.10.0, see the generator). */
export const BENCH_IMAGE = `${imageOf(7)}:1.11.0`;

/** Git's environment for the fixture commit: fixed identity, no user or system config. */
const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Fleet',
  GIT_AUTHOR_EMAIL: 'fleet@example.com',
  GIT_COMMITTER_NAME: 'Fleet',
  GIT_COMMITTER_EMAIL: 'fleet@example.com',
};

/** Writes a fleet of `manifests` files into `dir` (created) and commits it on `main`. */
export function writeFleetRepo(dir: string, manifests = DEFAULT_SHAPE.manifests): void {
  for (const f of generateFleet({ ...DEFAULT_SHAPE, manifests })) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.text);
  }
  for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'fleet']]) execFileSync('git', args, { cwd: dir, env });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, manifests] = process.argv.slice(2);
  if (!dir) throw new Error('usage: bench/fleet-repo.ts <dir> [manifests]');
  writeFleetRepo(resolve(dir), manifests ? Number(manifests) : undefined);
}
