/**
 * The dotenv store (getsops/sops `stores/dotenv/store.go`, FORMAT.md §7): `KEY=value` lines split at
 * the first `=`, `#` comment lines, every value a string with `\n` escapes, and the metadata as
 * `sops_`-prefixed flat keys. Flux recognises the file by `sops_mac=ENC[`.
 */
import { SopsError } from '../sops-error.ts';
import type { TreeComment, TreeEntry, TreeMap } from '../sops-tree.ts';
import { isEncryptedValue } from '../value-cipher.ts';
import { escapeNewlines, flatAgeEntries, flatNewMetadata, unflattenMetadata } from './flat-metadata.ts';
import { splice, type ParsedStore, type StoreEdits } from './sops-store.ts';

const PREFIX = 'sops_';

export function parseDotenvStore(text: string, file: string): ParsedStore {
  const spans: Array<[number, number]> = [];
  const commentSpans: Array<[number, number]> = [];
  const items: Array<TreeEntry | TreeComment> = [];
  const meta: Array<{ key: string; value: string; start: number; end: number }> = [];
  let offset = 0;
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const start = offset;
    offset += line.length + 1;
    if (line === '') return;
    if (line.startsWith('#')) {
      const ref = commentSpans.push([start + 1, start + line.length]) - 1;
      items.push({ kind: 'comment', ref, text: line.slice(1), line: i + 1 });
      return;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new SopsError('malformed', file, 'invalid dotenv line: expected KEY=value', i + 1);
    const key = line.slice(0, eq);
    const raw = line.slice(eq + 1);
    if (key.startsWith(PREFIX)) {
      meta.push({ key: key.slice(PREFIX.length), value: raw, start, end: start + line.length + (offset <= text.length ? 1 : 0) });
      return;
    }
    const value = raw.replace(/\\n/g, '\n');
    const ref = spans.push([start + eq + 1, start + line.length]) - 1;
    const leaf = { kind: 'leaf' as const, ref, value: { type: 'str' as const, value }, line: i + 1 };
    items.push({ kind: 'entry', key, value: isEncryptedValue(value) ? { ...leaf, encrypted: value } : leaf });
  });
  const branch: TreeMap = { kind: 'map', items };
  const metadata = meta.length > 0 ? unflattenMetadata(meta.map((m) => [m.key, m.value.replace(/\\n/g, '\n')])) : undefined;

  const render = (edits: StoreEdits): string => {
    const reps: Array<[number, number, string]> = [];
    for (const [ref, v] of edits.leaves ?? []) reps.push([...spans[ref]!, escapeNewlines(v)]);
    for (const [ref, v] of edits.comments ?? []) reps.push([...commentSpans[ref]!, v]);
    const m = edits.metadata;
    if (m && meta.length > 0) {
      let pairs: Array<[string, string]> = meta.map((x) => [x.key, x.value]);
      const sorted = pairs.every((p, i) => i === 0 || pairs[i - 1]![0] <= p[0]);
      const set = (k: string, v: string | undefined) => {
        if (v !== undefined) pairs = pairs.map((p) => (p[0] === k ? [k, v] : p));
      };
      set('lastmodified', m.lastmodified);
      set('mac', m.mac);
      if (m.age) {
        const isAge = (k: string) => k.startsWith('age__list_');
        const at = Math.max(0, pairs.findIndex((p) => isAge(p[0])));
        pairs = pairs.filter((p) => !isAge(p[0]));
        pairs.splice(Math.min(at, pairs.length), 0, ...flatAgeEntries(m.age));
        if (sorted) pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      }
      const first = meta[0]!.start;
      const hadNewline = text.slice(meta[meta.length - 1]!.end - 1, meta[meta.length - 1]!.end) === '\n';
      for (const x of meta.slice(1)) reps.push([x.start, x.end, '']);
      const block = pairs.map(([k, v]) => `${PREFIX}${k}=${v}`).join('\n') + (hadNewline ? '\n' : '');
      reps.push([first, meta[0]!.end, block]);
    }
    if (edits.create) {
      const sep = text.length > 0 && !text.endsWith('\n') ? '\n' : '';
      reps.push([text.length, text.length, `${sep}${flatNewMetadata(edits.create).map(([k, v]) => `${PREFIX}${k}=${escapeNewlines(v)}`).join('\n')}\n`]);
    }
    return splice(text, reps);
  };
  const out: ParsedStore = { format: 'dotenv', branches: [branch], metadata, render };
  const firstMeta = meta[0];
  if (firstMeta) out.metadataLine = text.slice(0, firstMeta.start).split('\n').length;
  return out;
}
