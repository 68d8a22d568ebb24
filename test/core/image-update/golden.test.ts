/**
 * Golden trees: every scenario under test/fixtures/gitops/<name>/ holds `original/`, `expected/` and
 * `scenario.json` (release, policies, expected warning codes, change count, variable uses). Each file of
 * `original/` goes through the text screen and updateImageReferences; the output must equal `expected/` byte for byte.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mightReference, updateImageReferences } from '../../../src/core/image-update/index.ts';
import type { FileUpdateContext, MarkerPolicy } from '../../../src/core/image-update/index.ts';
import type { Warning } from '../../../src/core/proposal/change.ts';
import type { ImageChange as Change } from '../../../src/core/image-update/image-change.ts';
import type { Release } from '../../../src/core/image-update/release.ts';
import { legacyPolicy, semverPolicy } from './test-policies.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/gitops');

interface Scenario {
  description: string;
  release: Release;
  repositoryPolicy?: { major?: number };
  markers?: Record<string, { imageName: string; major?: number; reflectDigest?: boolean }>;
  legacy?: boolean;
  expectedWarnings: string[];
  expectedChanges: number;
  expectedVariables?: Array<[string, string, string]>;
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

function contextOf(s: Scenario): FileUpdateContext {
  const ctx: FileUpdateContext = {
    release: s.release,
    defaultPolicy: semverPolicy(),
    policies: {
      marker(namespace, name): MarkerPolicy | undefined {
        const m = s.markers?.[`${namespace}:${name}`];
        return m ? { imageName: m.imageName, policy: semverPolicy(m.major), ...(m.reflectDigest ? { reflectDigest: true } : {}) } : undefined;
      },
      forRepository: (repository) =>
        s.repositoryPolicy && repository === s.release.repository ? semverPolicy(s.repositoryPolicy.major) : undefined,
    },
  };
  if (s.legacy) ctx.legacyPolicy = legacyPolicy;
  return ctx;
}

const scenarios = readdirSync(fixtures).filter((name) => statSync(path.join(fixtures, name)).isDirectory()).sort();

describe('golden gitops trees', () => {
  it('has the scenarios of every reference kind', () => {
    expect(scenarios).toEqual(
      expect.arrayContaining(['containers', 'kustomize-images', 'helm-values', 'setter-markers', 'postbuild-variables', 'legacy-annotations', 'malformed']),
    );
  });

  for (const name of scenarios) {
    it(name, () => {
      const dir = path.join(fixtures, name);
      const scenario = JSON.parse(readFileSync(path.join(dir, 'scenario.json'), 'utf8')) as Scenario;
      const original = readTree(path.join(dir, 'original'));
      const expected = readTree(path.join(dir, 'expected'));
      const ctx = contextOf(scenario);
      const output = new Map<string, string>();
      const changes: Change[] = [];
      const warnings: Warning[] = [];
      const variables: Array<[string, string, string]> = [];
      for (const [file, text] of original) {
        if (!mightReference(text, scenario.release)) {
          output.set(file, text);
          continue;
        }
        const result = updateImageReferences({ path: file, text }, ctx);
        output.set(file, result.text);
        if (result.changes.length === 0) expect(result.text).toBe(text);
        changes.push(...result.changes);
        warnings.push(...result.warnings);
        for (const v of result.variables) variables.push([v.variable, v.role, v.repository]);
      }
      expect([...output.keys()]).toEqual([...expected.keys()]);
      for (const [file, text] of expected) expect(output.get(file), `${name}/${file}`).toBe(text);
      expect([...new Set(warnings.map((w) => w.code))].sort(), JSON.stringify(warnings, null, 1)).toEqual([...scenario.expectedWarnings].sort());
      expect(changes).toHaveLength(scenario.expectedChanges);
      for (const change of changes) {
        // Every change record is consistent with the bytes: the new value is on the reported line.
        const lines = output.get(change.file)!.split('\n');
        expect(lines[change.line - 1], `${change.file}:${change.line}`).toContain(change.new);
        expect(change.image).toBe(scenario.release.repository);
      }
      expect(variables).toEqual(scenario.expectedVariables ?? []);
    });
  }
});
