/**
 * `courier --help` and `courier --version` as a user runs them (a child process of `node bin/courier.js`),
 * compiled (dist/cli/, what `npm ci` builds) and through tsx (a checkout whose sources are newer than the
 * build), medians of several runs. Issue 12: ≤ 0.3 s (it was 1.5–2 s with tsx and eager imports).
 * Run: node --import tsx bench/cli-startup.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = process.env.BENCH_QUICK === '1' ? 5 : 15;

const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, encoding: 'utf8' });
if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);

function median(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const tsx = (flag: string) => ['--import', 'tsx', '-e', `import('./src/cli.ts').then(async (m) => { process.exitCode = await m.main(['${flag}'], { write() {} }); })`];
const rows = [
  ['courier --help, compiled (default after npm ci)', median(['bin/courier.js', '--help'])],
  ['courier --version, compiled', median(['bin/courier.js', '--version'])],
  ['courier --help, through tsx (sources newer than the build)', median(tsx('--help'))],
  ['courier --version, through tsx', median(tsx('--version'))],
  ['bare node -e 0 (the floor)', median(['-e', '0'])],
] as const;
console.log(`CLI start-up, median of ${RUNS} child processes (target ≤ 300 ms; was 1.5–2 s):`);
for (const [what, ms] of rows) console.log(`  ${what}: ${Math.round(ms)} ms`);
