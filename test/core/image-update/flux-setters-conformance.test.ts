/**
 * Flux setter conformance: runs every active file-producing case of
 * test/conformance/flux-setters/cases.json (a byte-for-byte copy of shared/conformance, kept in step by test/conformance/sync.test.ts) through applySetters and compares trees byte for byte.
 *
 * Deliberate differences from Flux, none of which these upstream fixtures exercise:
 * - Courier replaces only the value bytes; Flux re-serialises the file (drops a leading `---`,
 *   normalises indentation, may move comments). The upstream fixtures are round-trip stable, so both agree here.
 * - Files that fail to parse and markers in top-level sequences are reported as warnings (Flux: silent).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applySetters, updateImageReferences } from '../../../src/core/image-update/index.ts';
import { semverPolicy } from './test-policies.ts';
import type { ImageChange as Change } from '../../../src/core/image-update/image-change.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const root = path.join(repoRoot, 'test/conformance/flux-setters');
if (!existsSync(path.join(root, 'cases.json'))) {
  throw new Error(`flux-setters conformance data not found at ${root}`);
}

interface LatestRef { name: string; tag: string; digest: string }
interface Case {
  id: string;
  status: string;
  kind?: string;
  input?: string;
  expected?: string;
  outputMode?: 'changedFilesOnly' | 'inPlace';
  updatePath?: string | null;
  updateStrategy?: { strategy: string; path: string | null } | null;
  markerPlaceholder?: { text: string; replacement: string; applyToFiles: string[] } | null;
  policies?: Array<{ namespace: string; name: string; latestRef: LatestRef }>;
  setterValues?: Record<string, string>;
  imageName?: string;
  newImage?: string;
  expectedChanges?: Record<string, Array<{ object: Record<string, string>; changes: Array<{ oldValue: string; newValue: string; setter: string }> }>>;
}

const cases = (JSON.parse(readFileSync(path.join(root, 'cases.json'), 'utf8')) as { cases: Case[] }).cases;
const active = cases.filter((c) => c.status === 'active' && c.kind !== 'error' && c.input && c.expected);

/** Reads a tree as path → text, ignoring dot-files/dirs and names ending in '~' (upstream rule). */
function readTree(dir: string, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const full = path.join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(full).isDirectory()) for (const [k, v] of readTree(full, rel)) out.set(k, v);
    else out.set(rel, readFileSync(full, 'latin1'));
  }
  return out;
}

function applyPlaceholder(tree: Map<string, string>, c: Case): void {
  const p = c.markerPlaceholder;
  if (!p) return;
  for (const file of p.applyToFiles) {
    const text = tree.get(file);
    if (text !== undefined) tree.set(file, text.split(p.text).join(p.replacement));
  }
}

/** The setter table Flux builds from each policy's latestRef (conventions.setterValues). */
function settersOf(c: Case): Map<string, string> {
  const setters = new Map<string, string>();
  for (const p of c.policies ?? []) {
    const id = `${p.namespace}:${p.name}`;
    const { name, tag, digest } = p.latestRef;
    setters.set(id, `${name}:${tag}${digest ? `@${digest}` : ''}`);
    setters.set(`${id}:tag`, tag);
    setters.set(`${id}:name`, name);
    setters.set(`${id}:digest`, digest);
  }
  return setters;
}

/** conventions.fileSelection: .yaml/.yml or exactly 'Kustomization', containing the quoted token, under update.path. */
function selected(file: string, text: string, updatePath: string | null): boolean {
  const base = file.split('/').pop() ?? file;
  if (!(base.endsWith('.yaml') || base.endsWith('.yml') || base === 'Kustomization')) return false;
  if (!text.includes('"$imagepolicy"')) return false;
  if (!updatePath) return true;
  const prefix = path.posix.normalize(path.posix.join('/', updatePath)).slice(1);
  return prefix === '' || file === prefix || file.startsWith(`${prefix}/`);
}

describe('flux-setters conformance', () => {
  it('has active cases to run', () => {
    expect(active.length).toBeGreaterThanOrEqual(5);
  });

  for (const c of active) {
    it(`${c.id} (${c.outputMode})`, () => {
      const input = readTree(path.join(root, c.input!));
      const expected = readTree(path.join(root, c.expected!));
      applyPlaceholder(input, c);
      applyPlaceholder(expected, c);
      const setters = settersOf(c);
      if (c.setterValues) expect(Object.fromEntries(setters)).toEqual(c.setterValues);
      const updatePath = c.updateStrategy?.path ?? c.updatePath ?? null;

      const changed = new Map<string, string>();
      const changesByFile = new Map<string, Change[]>();
      for (const [file, text] of input) {
        if (!selected(file, text, updatePath)) continue;
        const result = applySetters({ path: file, text }, setters);
        if (result.changes.length > 0) {
          changed.set(file, result.text);
          changesByFile.set(file, result.changes);
        } else {
          expect(result.text).toBe(text);
        }
      }

      const output = c.outputMode === 'inPlace' ? new Map([...input, ...changed]) : changed;
      expect([...output.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [file, text] of expected) expect(output.get(file), file).toBe(text);

      if (c.expectedChanges) {
        const actual: Record<string, unknown> = {};
        for (const [file, changes] of changesByFile) {
          const byObject: Array<{ object: Record<string, string>; changes: unknown[] }> = [];
          for (const change of changes) {
            const o = change.object ?? {};
            const object = { apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', namespace: o.namespace ?? '', name: o.name ?? '' };
            let group = byObject.find((g) => JSON.stringify(g.object) === JSON.stringify(object));
            if (!group) byObject.push((group = { object, changes: [] }));
            group.changes.push({ oldValue: change.old, newValue: change.new, setter: change.setter });
          }
          actual[file] = byObject;
        }
        expect(actual).toEqual(c.expectedChanges);
      }
    });
  }
});

/**
 * The historical marker-less cases are not run by Flux any more; they are valid pairs for Courier's
 * unmarked "bump every reference" path, except where upstream re-indented sequences (old kyaml), which
 * Courier deliberately does not do: there the minimal edit is the expected output.
 */
describe('historical marker-less cases, as minimal edits', () => {
  const historical = cases.filter((c) => c.status === 'historical-unused');

  function run(c: Case): { input: Map<string, string>; output: Map<string, string> } {
    const [name, tag] = c.newImage!.split(':') as [string, string];
    const release = { repository: `docker.io/library/${name}`, tag };
    const input = readTree(path.join(root, c.input!));
    const output = new Map<string, string>();
    for (const [file, text] of input) {
      const result = updateImageReferences(
        { path: file, text },
        { release, defaultPolicy: semverPolicy(), policies: { marker: () => undefined, forRepository: () => undefined } },
      );
      expect(result.warnings).toEqual([]);
      output.set(file, result.text);
    }
    return { input, output };
  }

  it('covers the three historical cases', () => {
    expect(historical.map((c) => c.id).sort()).toEqual(['historical-leave-different-image', 'historical-replace-commented', 'historical-replace-everywhere']);
  });

  it('historical-replace-everywhere: byte-identical to upstream expected', () => {
    const c = historical.find((h) => h.id === 'historical-replace-everywhere')!;
    const { output } = run(c);
    expect(output).toEqual(readTree(path.join(root, c.expected!)));
  });

  it('historical-replace-commented: only the tag changes (upstream also re-indented; Courier keeps bytes)', () => {
    const c = historical.find((h) => h.id === 'historical-replace-commented')!;
    const { input, output } = run(c);
    for (const [file, text] of input) expect(output.get(file)).toBe(text.replace('used:v1.0.0', 'used:v1.1.0'));
    expect([...output.values()].join()).toContain('used:v1.1.0 # the comment must stay!');
  });

  it('historical-leave-different-image: nothing written (upstream re-indented; Courier keeps bytes)', () => {
    const c = historical.find((h) => h.id === 'historical-leave-different-image')!;
    const { input, output } = run(c);
    expect(output).toEqual(input);
  });
});
