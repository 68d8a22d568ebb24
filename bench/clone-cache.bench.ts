/**
 * Clone cache: cold vs warm `withCheckout` + `readFiles` on a generated 10,000-file repository served
 * over file://, in both checkout modes (blobs read from the object store vs a detached worktree).
 * Run: node --import tsx bench/clone-cache.bench.ts [files] [objects|worktree]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CloneCache, type RepoHandle } from '../src/git/clone-cache.ts';
import { fixtureEnv } from '../test/git/git-fixtures.ts';

function git(cwd: string, args: string[], input?: string): string {
  return execFileSync('git', args, { cwd, env: fixtureEnv, input, encoding: 'utf8', maxBuffer: 1024 ** 3 });
}

/** A GitOps-looking YAML manifest of about 600 bytes. */
function manifest(i: number): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: app-${i}`,
    `  namespace: team-${i % 37}`,
    'spec:',
    '  replicas: 2',
    '  template:',
    '    spec:',
    '      containers:',
    `        - name: app-${i}`,
    `          image: ghcr.io/acme/app-${i % 200}:1.${i % 13}.${i % 7} # {"$imagepolicy": "flux-system:app-${i % 200}"}`,
    '          resources: { requests: { cpu: 10m, memory: 32Mi } }',
    '',
  ].join('\n');
}

/** Builds a bare repository with `count` files in one commit via fast-import (seconds, not minutes). */
function generate(dir: string, count: number): string {
  const bare = path.join(dir, 'fleet.git');
  git(dir, ['init', '-q', '--bare', '-b', 'main', bare]);
  git(bare, ['config', 'uploadpack.allowFilter', 'true']);
  const parts = ['commit refs/heads/main', 'committer Bench <bench@example.com> 1700000000 +0000', 'data 4', 'gen', ''];
  for (let i = 0; i < count; i++) {
    const body = manifest(i);
    parts.push(`M 100644 inline clusters/c${i % 50}/apps/app-${i}/deployment.yaml`, `data ${Buffer.byteLength(body)}`, body);
  }
  git(bare, ['fast-import', '--quiet'], parts.join('\n') + '\n');
  return bare;
}

/** Adds one commit changing one file on main, the typical "new event" between two jobs. */
function bump(bare: string, n: number): void {
  const body = manifest(n).replace('replicas: 2', `replicas: ${n}`);
  const input = [
    'commit refs/heads/main',
    `committer Bench <bench@example.com> ${1700000000 + n} +0000`,
    'data 5',
    'bump',
    'from refs/heads/main^0',
    'M 100644 inline clusters/c0/apps/app-0/deployment.yaml',
    `data ${Buffer.byteLength(body)}`,
    body,
    '',
  ].join('\n');
  git(bare, ['fast-import', '--quiet'], input);
}

interface Timing {
  /** Whole withCheckout + readFiles. */
  ms: number;
  /** Until the job starts: clone or fetch, ref resolution (and worktree checkout in worktree mode). */
  readyMs: number;
  files: number;
}

async function timed(cache: CloneCache, repo: RepoHandle): Promise<Timing> {
  const start = performance.now();
  let readyMs = 0;
  const files = await cache.withCheckout(repo, undefined, async (co) => {
    readyMs = performance.now() - start;
    return (await co.readFiles()).files.length;
  });
  return { ms: performance.now() - start, readyMs, files };
}

function median(runs: Timing[]): string {
  const pick = (k: 'ms' | 'readyMs') => [...runs].sort((a, b) => a[k] - b[k])[Math.floor(runs.length / 2)]![k].toFixed(0);
  return `${pick('ms')} ms (ready ${pick('readyMs')} ms)`;
}

const count = Number(process.argv[2] ?? 10_000);
const modes = process.argv[3] ? [process.argv[3] as 'objects' | 'worktree'] : (['objects', 'worktree'] as const);
const work = mkdtempSync(path.join(os.tmpdir(), 'courier-bench-'));
try {
  const bare = generate(work, count);
  const repo: RepoHandle = { owner: 'acme', repo: 'fleet', cloneUrl: `file://${bare}` };
  console.log(`clone cache bench: ${count} files, file:// remote`);
  let n = 1;
  for (const mode of modes) {
    const cache = new CloneCache({ root: path.join(work, `cache-${mode}`), mode });
    const cold = await timed(cache, repo);
    const same: Timing[] = [];
    const bumped: Timing[] = [];
    for (let i = 0; i < 5; i++) {
      same.push(await timed(cache, repo));
      bump(bare, ++n);
      bumped.push(await timed(cache, repo));
    }
    const s = cache.stats();
    console.log(`${mode}: cold ${median([cold])}, ${cold.files} files read`);
    console.log(`${mode}: warm, no new commit, median of 5: ${median(same)}`);
    console.log(`${mode}: warm, 1 new commit, median of 5: ${median(bumped)}`);
    console.log(`${mode}: cache ${(s.bytes / 1024 / 1024).toFixed(1)} MiB, ${s.fetches} git fetches in ${s.hits + s.misses} jobs`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
