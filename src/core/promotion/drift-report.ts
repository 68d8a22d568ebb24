/**
 * The drift report of a promotion: what else differs between environment *k* and *k+1* for the same
 * components and does not move with the promotion — HelmRelease settings each environment sets
 * differently (values, test, install options; versions are the moves' business), and files one
 * environment's folder has and its counterpart lacks. Reviewers see what would not move. Pure.
 */
import { posix } from 'node:path';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { CourierConfig } from '../config/index.ts';
import { tryParseImageRef } from '../image-update/image-ref.ts';
import { environmentOf } from '../repo-model/environment-of.ts';
import type { RepoFile } from '../repo-model/repo-file.ts';
import { isKindOf, isParseFailure, mapAtPath, parseYamlFile, stringAt } from '../yaml/yaml-file.ts';

/** One HelmRelease setting the two environments set differently. */
export interface ValueDrift {
  /** `namespace/name`, or `name` when the manifest names no namespace. */
  release: string;
  field: string;
  from: string;
  to: string;
}

/** A file of one environment whose counterpart (the same path under the other environment's name) is missing. */
export interface FileDrift {
  path: string;
  onlyIn: string;
  counterpart: string;
}

export interface DriftReport {
  values: ValueDrift[];
  files: FileDrift[];
}

const MAX_SHOWN = 40;
/** Fields a promotion moves (or that select an artifact): reported as moves, not as drift. */
const VERSION_KEYS = new Set(['tag', 'digest', 'version', 'newTag', 'chartRef']);

/** Compares `from` and `to` for the drift section of the promotion PR. */
export function driftReport(files: readonly RepoFile[], config: CourierConfig, from: string, to: string): DriftReport {
  const settings = { [from]: new Map<string, Map<string, string>>(), [to]: new Map<string, Map<string, string>>() };
  const byEnv = new Map<string, string>();
  for (const file of files) {
    const env = environmentOf(file.path, config);
    if (env !== from && env !== to) continue;
    byEnv.set(file.path, env);
    if (!/\.ya?ml$/i.test(file.path) || !file.text.includes('HelmRelease')) continue;
    const parsed = parseYamlFile(file.text);
    if (isParseFailure(parsed)) continue;
    for (const doc of parsed.documents) {
      const root = doc.contents;
      if (!isMap(root) || !isKindOf(root, 'helm.toolkit.fluxcd.io', 'HelmRelease')) continue;
      const meta = mapAtPath(root, ['metadata']);
      const name = stringAt(meta, 'name');
      if (!name) continue;
      const namespace = stringAt(meta, 'namespace');
      const key = namespace ? `${namespace}/${name}` : name;
      const leaves = settings[env]!.get(key) ?? new Map<string, string>();
      flatten(root.get('spec', true) as Node | undefined, 'spec', leaves);
      settings[env]!.set(key, leaves);
    }
  }
  const values: ValueDrift[] = [];
  for (const [release, a] of settings[from]!) {
    const b = settings[to]!.get(release);
    if (!b) continue; // a release one side only is an inventory entry one side only, already listed
    for (const field of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      const x = a.get(field);
      const y = b.get(field);
      if (x !== y) values.push({ release, field, from: shown(x), to: shown(y) });
    }
  }
  const paths = new Set(files.map((f) => f.path));
  const folders = new Set(files.map((f) => posix.dirname(f.path)));
  const fileDrift: FileDrift[] = [];
  for (const [self, other] of [[from, to], [to, from]] as const) {
    for (const [path, env] of byEnv) {
      if (env !== self) continue;
      const segments = path.split('/');
      const at = segments.indexOf(self);
      if (at < 0 || at === segments.length - 1) continue;
      const counterpart = [...segments.slice(0, at), other, ...segments.slice(at + 1)].join('/');
      if (!paths.has(counterpart) && folders.has(posix.dirname(counterpart))) fileDrift.push({ path, onlyIn: self, counterpart });
    }
  }
  return { values, files: fileDrift };
}

function shown(value: string | undefined): string {
  if (value === undefined) return '(unset)';
  return value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN - 1)}…` : value;
}

/** Leaf scalars by field path; version fields and image references with a tag are left out. */
function flatten(node: Node | undefined | null, path: string, out: Map<string, string>): void {
  if (!node) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined || VERSION_KEYS.has(key)) continue;
      flatten(pair.value as Node, `${path}.${key}`, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => flatten(item as Node, `${path}[${i}]`, out));
  } else if (isScalar(node)) {
    const text = node.value === null ? 'null' : String(node.value);
    if (typeof node.value === 'string' && tryParseImageRef(text)?.tag !== undefined && text.includes(':')) return;
    out.set(path, text);
  }
}
