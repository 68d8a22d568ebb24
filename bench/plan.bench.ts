/**
 * Benchmark of `plan` for one release on a synthetic fleet (bench/fleet-generator.ts: 10,000
 * manifests, 200 images, 3 environments). Two child processes so each peak RSS is its own:
 *   memory: planImageUpdate on in-memory files (scan + rewrite) and the baseline, a `yaml`
 *           parseAllDocuments of every file;
 *   git:    the whole local `plan` path (readTree from a real git repository included).
 * Targets (issue 2, item 10): scan + rewrite ≤ 0.3 s and ≥ 10× faster than the baseline.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { parseCourierConfig, type CourierConfig } from '../src/core/config/index.ts';
import { planImageUpdate } from '../src/core/image-update/plan-image-update.ts';
import type { Release } from '../src/core/image-update/release.ts';
import type { RepoFile } from '../src/core/repo-model/repo-file.ts';
import { readTree } from '../src/git/local-repo.ts';
import { runImageUpdate } from '../src/local/run-image-update.ts';
import { fixtureEnv } from '../test/git/git-fixtures.ts';
import { DEFAULT_SHAPE, generateFleet, imageOf } from './fleet-generator.ts';

const RUNS = 10;
const WARMUP = 2;
const TARGET_SECONDS = 0.3;
const TARGET_RATIO = 10;
// The first environment's tag is 1.10.0 (see the generator), so this release is newer there.
const RELEASE: Release = { repository: imageOf(7), tag: '1.11.0' };

interface Timing {
  cold: number;
  median: number;
  p95: number;
  runs: number;
}

interface PartResult {
  part: string;
  timings: Record<string, Timing>;
  maxRssMB: number;
  facts: Record<string, string | number>;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/**
 * Times `fn`: one cold run, WARMUP untimed runs, then `runs` timed runs. With `gcFirst`, a full GC
 * precedes each timed run: that makes the next run markedly slower (V8 must grow the young
 * generation again), so both figures are reported and the targets are judged on the slower one.
 */
async function measure(fn: () => unknown, runs = RUNS, gcFirst = false): Promise<Timing> {
  let t = performance.now();
  await fn();
  const cold = performance.now() - t;
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (gcFirst) gc();
    t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number): number => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)]!;
  return { cold, median: at(0.5), p95: at(0.95), runs };
}

function fleetConfig(files: readonly RepoFile[]): CourierConfig {
  const parsed = parseCourierConfig(files.find((f) => f.path === '.github/courier.yml')!.text, '.github/courier.yml');
  if (!parsed.ok) throw new Error(`generated config is invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.config;
}

const maxRssMB = (): number => process.resourceUsage().maxRSS / 1024;

async function memoryPart(): Promise<PartResult> {
  const files = generateFleet();
  const config = fleetConfig(files);
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  let edits = 0;
  const plan = await measure(() => {
    edits = planImageUpdate({ files, config, releases: [RELEASE] }).changeSet.edits.length;
  });
  if (edits === 0) throw new Error('the benchmark release changed nothing: the measurement would be meaningless');
  const planAfterGc = await measure(() => planImageUpdate({ files, config, releases: [RELEASE] }), RUNS, true);
  let documents = 0;
  const baseline = await measure(() => {
    documents = 0;
    for (const f of files) documents += parseAllDocuments(f.text).length;
  }, 3);
  return { part: 'memory', timings: { plan, planAfterGc, baseline }, maxRssMB: maxRssMB(), facts: { files: files.length, megabytes: +(bytes / 1e6).toFixed(1), edits, documents } };
}

async function gitPart(): Promise<PartResult> {
  const files = generateFleet();
  const dir = mkdtempSync(join(tmpdir(), 'courier-bench-'));
  try {
    for (const f of files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.text);
    }
    for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-q', '-m', 'fleet']]) execFileSync('git', args, { cwd: dir, env: fixtureEnv });
    let edits = 0;
    const plan = await measure(async () => {
      const result = await runImageUpdate({ dir, image: `${RELEASE.repository}:${RELEASE.tag}`, write: false });
      edits = result.proposal.changeSet.edits.length;
    }, 5);
    if (edits === 0) throw new Error('the benchmark release changed nothing in the git repository');
    const read = await measure(() => readTree(dir, 'HEAD'), 5);
    return { part: 'git', timings: { localPlan: plan, readTree: read }, maxRssMB: maxRssMB(), facts: { edits } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runPart(part: string): PartResult {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, part], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`bench part ${part} failed (exit ${child.status}):\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as PartResult;
}

function report(memory: PartResult, git: PartResult): void {
  const ms = (x: number): string => `${x.toFixed(1)} ms`.padStart(10);
  // (a') runs right after (a): its first run is not cold, so no cold figure is shown.
  const row = (name: string, t: Timing, rss: number, cold = true): string => `${name.padEnd(54)}${cold ? ms(t.cold) : '—'.padStart(10)}${ms(t.median)}${ms(t.p95)}${String(t.runs).padStart(6)}${`${rss.toFixed(0)} MB`.padStart(11)}`;
  const { plan, planAfterGc, baseline } = memory.timings as { plan: Timing; planAfterGc: Timing; baseline: Timing };
  const judged = planAfterGc.median > plan.median ? planAfterGc : plan;
  const local = git.timings.localPlan!;
  const ratio = baseline.median / judged.median;
  const f = memory.facts;
  console.log(`plan benchmark: ${f.files} files (${f.megabytes} MB, ${DEFAULT_SHAPE.images} images, ${DEFAULT_SHAPE.environments.length} environments), release ${RELEASE.repository}:${RELEASE.tag} → ${f.edits} files edited`);
  console.log(`${'measure'.padEnd(54)}${'cold'.padStart(10)}${'median'.padStart(10)}${'p95'.padStart(10)}${'runs'.padStart(6)}${'peak RSS'.padStart(11)}`);
  console.log(row('(a) planImageUpdate, in memory (scan+rewrite)', plan, memory.maxRssMB));
  console.log(row("(a') the same, a full GC before each run", planAfterGc, memory.maxRssMB, false));
  console.log(row(`(b) baseline: yaml parseAllDocuments (${f.documents} docs)`, baseline, memory.maxRssMB));
  console.log(row('(c) local plan on a git repo (readTree incl.)', local, git.maxRssMB));
  console.log(row("(c') readTree alone (ls-tree + cat-file --batch)", git.timings.readTree!, git.maxRssMB));
  console.log('(peak RSS: (a) and (b) share one process, (c) has its own)');
  const seconds = judged.median / 1000;
  console.log(`scan + rewrite: ${seconds.toFixed(3)} s median, the slower of (a) and (a') (target ≤ ${TARGET_SECONDS} s): ${seconds <= TARGET_SECONDS ? 'met' : 'MISSED'}`);
  console.log(`baseline / plan: ${ratio.toFixed(1)}× (target ≥ ${TARGET_RATIO}×): ${ratio >= TARGET_RATIO ? 'met' : 'MISSED'}`);
}

const part = process.argv[2];
if (part === 'memory' || part === 'git') {
  const result = part === 'memory' ? await memoryPart() : await gitPart();
  console.log(JSON.stringify(result));
} else {
  report(runPart('memory'), runPart('git'));
}
