/**
 * `courier plan` as a user runs it (issue 12): the compiled CLI (`node bin/courier.js`, what `npm ci`
 * builds) as a child process on generated fleets of 10,000 and 50,000 files (bench/fleet-generator.ts,
 * one commit each), default configuration, medians of several runs with each run's peak RSS.
 * Targets: 10k ≤ 0.8 s and ≤ 150 MiB; 50k ≤ 3 s and ≤ 300 MiB (it was 2.4–2.6 s / 194 MiB and 6.1 s / 420 MiB).
 * Run: node --import tsx bench/courier-plan.bench.ts   (BENCH_QUICK=1: 10k only, fewer runs)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BENCH_IMAGE, writeFleetRepo } from './fleet-repo.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const data = join(root, 'bench/.data/courier-plan');
const quick = process.env.BENCH_QUICK === '1';
const sizes = quick ? [{ files: 10_000, runs: 5, seconds: 0.8, mib: 150 }] : [
  { files: 10_000, runs: 9, seconds: 0.8, mib: 150 },
  { files: 50_000, runs: 5, seconds: 3, mib: 300 },
];

const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root, encoding: 'utf8' });
if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);

// The child reports its own peak RSS as it exits (getrusage), so the figure is the CLI's, not ours.
const PEAK = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\npeak-rss-kib '+process.resourceUsage().maxRSS+'\\n'))`;

function fleet(files: number): string {
  const dir = join(data, `fleet-${files}`);
  if (!existsSync(join(dir, '.git'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const started = performance.now();
    writeFleetRepo(dir, files);
    console.log(`  (generated ${files} files in ${((performance.now() - started) / 1000).toFixed(1)} s, kept in ${dir})`);
  }
  return dir;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`courier plan --image ${BENCH_IMAGE}, compiled CLI as a child process, default configuration:`);
for (const size of sizes) {
  const dir = fleet(size.files);
  const seconds: number[] = [];
  const mib: number[] = [];
  let edited = '';
  for (let i = 0; i < size.runs + 1; i++) {
    const started = performance.now();
    const r = spawnSync(process.execPath, ['--import', PEAK, 'bin/courier.js', 'plan', '--repo', dir, '--image', BENCH_IMAGE], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const elapsed = (performance.now() - started) / 1000;
    if (r.status !== 0) throw new Error(`courier plan exited ${r.status}: ${r.stderr}`);
    edited = /(\d+) files? changed|(\d+) edits?/.exec(r.stdout)?.[0] ?? `${(r.stdout.match(/^--- a\//gm) ?? []).length} files in the diff`;
    if (i === 0) continue; // the first run warms the OS page cache of the fresh repository
    seconds.push(elapsed);
    mib.push(Number(/peak-rss-kib (\d+)/.exec(r.stderr)![1]) / 1024);
  }
  const s = median(seconds);
  const m = Math.max(...mib);
  console.log(
    `  ${size.files.toLocaleString('en')} files: median ${s.toFixed(2)} s (min ${Math.min(...seconds).toFixed(2)}, max ${Math.max(...seconds).toFixed(2)}, ${size.runs} runs), peak RSS ${median(mib).toFixed(0)} MiB median / ${m.toFixed(0)} max; ${edited}` +
      ` — target ≤ ${size.seconds} s, ≤ ${size.mib} MiB: ${s <= size.seconds && m <= size.mib ? 'met' : 'MISSED'}`,
  );
}
