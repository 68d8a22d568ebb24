/**
 * The real-fleet corpus: files copied byte for byte from public Flux repositories (see each SOURCE.md)
 * under test/fixtures/real-fleet/<source>/{original,expected}. The whole planner runs on `original/`
 * with the releases of scenario.json and the default config; the edited tree must equal `expected/`
 * byte for byte, and every kustomize root listed must build with `kubectl kustomize` before and after.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/core/config/index.ts';
import { planImageUpdate } from '../../../src/core/image-update/plan-image-update.ts';
import { imagePlanInputScreen, passesScreen } from '../../../src/core/image-update/plan-input-screen.ts';
import type { Release } from '../../../src/core/image-update/release.ts';

const CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/real-fleet');
const run = promisify(execFile);
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!hasKubectl) console.warn('real-fleet.test.ts: kubectl not found on PATH, the kustomize build checks are skipped');

interface Scenario {
  description: string;
  releases: Release[];
  expectedWarnings: string[];
  expectedReasons: string[];
  kustomizeRoots: string[];
  /** false for a source whose only reference is rightly refused: expected/ equals original/. */
  expectEdits?: boolean;
  /** `file:line field` of warnings that must be reported, to prove which reference was found. */
  expectedWarningFields?: string[];
}

function readTree(dir: string, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) for (const [k, v] of readTree(full, rel)) out.set(k, v);
    else out.set(rel, readFileSync(full, 'utf8'));
  }
  return out;
}

const sources = readdirSync(CORPUS).filter((name) => statSync(path.join(CORPUS, name)).isDirectory()).sort();

describe('real-fleet corpus', () => {
  it('holds the public fleets, each with its SOURCE.md', () => {
    expect(sources).toEqual(['fluxcd-flux2-kustomize-helm-example', 'mirceanton-home-ops', 'onedr0p-home-ops', 'onedr0p-home-ops-2022', 'onedr0p-home-ops-2023', 'onedr0p-home-ops-2024', 'polarsquad-krops', 'stefanprodan-gitops-istio']);
    for (const source of sources) expect(readFileSync(path.join(CORPUS, source, 'SOURCE.md'), 'utf8')).toMatch(/Commit|commit/);
  });

  for (const source of sources) {
    const dir = path.join(CORPUS, source);
    const scenario = JSON.parse(readFileSync(path.join(dir, 'scenario.json'), 'utf8')) as Scenario;

    it(`${source}: the planner's edits turn original/ into expected/ byte for byte`, () => {
      const original = readTree(path.join(dir, 'original'));
      const expected = readTree(path.join(dir, 'expected'));
      const files = [...original].map(([p, text]) => ({ path: p, text }));
      const plan = planImageUpdate({ files, config: defaultConfig(), releases: scenario.releases });
      const output = new Map(original);
      for (const edit of plan.changeSet.edits) {
        expect(edit.before).toBe(original.get(edit.path));
        output.set(edit.path, edit.after);
      }
      expect([...output.keys()]).toEqual([...expected.keys()]);
      for (const [file, text] of expected) expect(output.get(file), file).toBe(text);
      if (scenario.expectEdits === false) expect(plan.changeSet.edits).toEqual([]);
      else expect(plan.changeSet.edits.length).toBeGreaterThan(0);
      for (const at of scenario.expectedWarningFields ?? []) {
        expect(plan.changeSet.warnings.map((w) => `${w.file}:${w.line} ${w.field}`)).toContain(at);
      }
      expect([...new Set(plan.changeSet.warnings.map((w) => w.code))].sort(), JSON.stringify(plan.changeSet.warnings, null, 1)).toEqual(scenario.expectedWarnings);
      expect([...new Set(plan.changeSet.changes.map((c) => c.reason))].sort()).toEqual(scenario.expectedReasons);
      // Every change names a released image and sits on the line it reports.
      for (const change of plan.changeSet.changes) {
        expect(scenario.releases.map((r) => r.repository)).toContain(change.image);
        expect(output.get(change.file)!.split('\n')[change.line - 1], `${change.file}:${change.line}`).toContain(change.new);
      }
    });

    it(`${source}: a plan from only the files the input screen lets through is the same plan`, () => {
      const files = [...readTree(path.join(dir, 'original'))].map(([p, text]) => ({ path: p, text }));
      const full = planImageUpdate({ files, config: defaultConfig(), releases: scenario.releases });
      const screen = imagePlanInputScreen(scenario.releases);
      const screened = files.filter((f) => passesScreen(screen, f.path, f.text));
      expect(screened.length).toBeLessThanOrEqual(files.length);
      const plan = planImageUpdate({ files: screened, paths: files.map((f) => f.path), config: defaultConfig(), releases: scenario.releases });
      expect(plan).toEqual(full);
    });

    it.skipIf(!hasKubectl || scenario.kustomizeRoots.length === 0)(`${source}: every kustomize root builds before and after`, async () => {
      for (const tree of ['original', 'expected']) {
        for (const root of scenario.kustomizeRoots) {
          const { stdout } = await run('kubectl', ['kustomize', root], { cwd: path.join(dir, tree), maxBuffer: 16 * 1024 * 1024 });
          expect(stdout, `${tree}/${root}`).toMatch(/^apiVersion: /m);
        }
      }
    });
  }
});
