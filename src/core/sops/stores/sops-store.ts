/**
 * What every store (YAML, JSON, dotenv, INI, binary) offers: the tree and raw metadata of a file, and
 * a `render` that rewrites only the bytes of changed values, comments and metadata fields, so a
 * re-keyed file differs from the original in SOPS-relevant bytes only.
 */
import type { AgeEntry } from '../age-keys.ts';
import type { CryptRule } from '../crypt-rule.ts';
import type { TreeMap } from '../sops-tree.ts';

export type SopsFormat = 'yaml' | 'json' | 'dotenv' | 'ini' | 'binary';

/** Metadata of a file being encrypted for the first time. */
export interface NewMetadata {
  age: AgeEntry[];
  lastmodified: string;
  mac: string;
  rule: CryptRule;
  macOnlyEncrypted: boolean;
  version: string;
}

/** Changes to an existing `sops` block; fields left out keep their bytes. */
export interface MetadataEdit {
  /** The complete new age list of the (only) key group. */
  age?: AgeEntry[];
  lastmodified?: string;
  mac?: string;
}

export interface StoreEdits {
  /** Leaf ref → the stored text (`ENC[…]` or `""`). */
  leaves?: ReadonlyMap<number, string>;
  /** Comment ref → new comment text without the marker. */
  comments?: ReadonlyMap<number, string>;
  metadata?: MetadataEdit;
  /** Append a new `sops` block (plaintext input). */
  create?: NewMetadata;
}

export interface ParsedStore {
  format: SopsFormat;
  branches: TreeMap[];
  /** The raw `sops` block (first document), or undefined for a plaintext file. */
  metadata: unknown;
  metadataLine?: number;
  render(edits: StoreEdits): string;
}

/** Store by extension, as sops picks it (FORMAT.md §7); `.dockerconfigjson` is JSON for Flux. */
export function formatForPath(path: string): SopsFormat {
  const p = path.toLowerCase();
  if (/\.ya?ml$/.test(p)) return 'yaml';
  if (/\.(json|dockerconfigjson)$/.test(p)) return 'json';
  if (/\.env$/.test(p)) return 'dotenv';
  if (/\.ini$/.test(p)) return 'ini';
  return 'binary';
}

/** Applies `[start, end, text]` replacements (non-overlapping) to `text`. */
export function splice(text: string, edits: Array<[number, number, string]>): string {
  const sorted = [...edits].sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [s, e, t] of sorted) {
    out += text.slice(at, s) + t;
    at = e;
  }
  return out + text.slice(at);
}
