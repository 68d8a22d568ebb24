/**
 * The JSON and binary stores (FORMAT.md §7). JSON keeps order and number kinds (since sops 3.13.2 an
 * int64 literal is `int`, otherwise `float`); the binary store is a JSON envelope `{"data": …}`
 * holding the raw file bytes as one string. Spacing `"mac": "ENC[` is what Flux looks for.
 */
import { LineCounter } from 'yaml';
import type { AgeEntry } from '../age-keys.ts';
import { SopsError } from '../sops-error.ts';
import type { SopsScalar } from '../sops-scalar.ts';
import type { TreeLeaf, TreeMap, TreeNode } from '../sops-tree.ts';
import { isEncryptedValue } from '../value-cipher.ts';
import { jsonToJs, JsonSyntaxError, parseJsonText, type JsonNode } from './json-text.ts';
import { splice, type NewMetadata, type ParsedStore, type StoreEdits } from './sops-store.ts';

const INT64 = 2n ** 63n;

function numberScalar(raw: string): SopsScalar {
  if (/^-?\d+$/.test(raw)) {
    const v = BigInt(raw);
    if (v >= -INT64 && v < INT64) return { type: 'int', value: v };
  }
  return { type: 'float', value: Number(raw) };
}

const lineStartIndent = (text: string, offset: number) => {
  const s = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(s))![0];
};

/** The indent unit of the file: the leading whitespace of its first indented line, a tab by default (Go sops). */
function indentUnit(text: string): string {
  return /\n([ \t]+)\S/.exec(text)?.[1] ?? '\t';
}

export function jsonAgeList(entries: readonly AgeEntry[], baseIndent: string, unit: string, encFirst = false): string {
  if (entries.length === 0) return '[]';
  const i1 = baseIndent + unit;
  const i2 = i1 + unit;
  const body = entries.map((e) => {
    const rec = `${i2}"recipient": ${JSON.stringify(e.recipient)}`;
    const enc = `${i2}"enc": ${JSON.stringify(e.enc)}`;
    return `${i1}{\n${(encFirst ? [enc, rec] : [rec, enc]).join(',\n')}\n${i1}}`;
  });
  return `[\n${body.join(',\n')}\n${baseIndent}]`;
}

/** The `sops` object of a new file, as sops 3.10–3.12 writes it (struct order, empty lists omitted). */
export function newJsonBlock(m: NewMetadata, baseIndent: string, unit: string): string {
  const i1 = baseIndent + unit;
  const fields = [
    `${i1}"age": ${jsonAgeList(m.age, i1, unit)}`,
    `${i1}"lastmodified": ${JSON.stringify(m.lastmodified)}`,
    `${i1}"mac": ${JSON.stringify(m.mac)}`,
    `${i1}"${m.rule.kind}": ${JSON.stringify(m.rule.value)}`,
    ...(m.macOnlyEncrypted ? [`${i1}"mac_only_encrypted": true`] : []),
    `${i1}"version": ${JSON.stringify(m.version)}`,
  ];
  return `{\n${fields.join(',\n')}\n${baseIndent}}`;
}

/** Parses JSON (or, with `binary`, the envelope of a binary-store file or the raw plaintext). */
export function parseJsonStore(text: string, file: string, binary = false): ParsedStore {
  let root: JsonNode;
  try {
    root = parseJsonText(text);
  } catch (e) {
    if (binary && e instanceof JsonSyntaxError) return plaintextBinary(text);
    if (e instanceof JsonSyntaxError) {
      const lc = new LineCounter();
      let at = text.indexOf('\n');
      while (at >= 0) (lc.addNewLine(at + 1), (at = text.indexOf('\n', at + 1)));
      throw new SopsError('malformed', file, `invalid JSON: ${e.message}`, lc.linePos(e.offset).line);
    }
    throw e;
  }
  if (root.type !== 'object') {
    if (binary) return plaintextBinary(text);
    throw new SopsError('malformed', file, 'the top level of a JSON SOPS file must be an object');
  }
  const sopsEntry = root.entries.find((e) => e.key === 'sops');
  if (binary && !(sopsEntry && root.entries.some((e) => e.key === 'data'))) return plaintextBinary(text);
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  const spans: Array<[number, number]> = [];
  const leaf = (n: JsonNode): TreeLeaf => {
    let value: SopsScalar | null = null;
    if (n.type === 'string') value = { type: 'str', value: n.value };
    else if (n.type === 'number') value = numberScalar(n.raw);
    else if (n.type === 'bool') value = { type: 'bool', value: n.value };
    const ref = spans.push([n.start, n.end]) - 1;
    const l: TreeLeaf = { kind: 'leaf', ref, value, line: lineOf(n.start) };
    if (n.type === 'string' && isEncryptedValue(n.value)) l.encrypted = n.value;
    return l;
  };
  const node = (n: JsonNode): TreeNode => {
    if (n.type === 'object') return { kind: 'map', items: n.entries.map((e) => ({ kind: 'entry' as const, key: e.key, value: node(e.value) })) };
    if (n.type === 'array') return { kind: 'seq', items: n.items.map(node) };
    return leaf(n);
  };
  const branch: TreeMap = { kind: 'map', items: root.entries.filter((e) => e !== sopsEntry).map((e) => ({ kind: 'entry' as const, key: e.key, value: node(e.value) })) };
  const unit = indentUnit(text);

  const render = (edits: StoreEdits): string => {
    const reps: Array<[number, number, string]> = [];
    for (const [ref, v] of edits.leaves ?? []) reps.push([...spans[ref]!, JSON.stringify(v)]);
    const meta = edits.metadata;
    if (meta && sopsEntry?.value.type === 'object') {
      const obj = sopsEntry.value;
      const field = (o: typeof obj, k: string) => o.entries.find((e) => e.key === k);
      const str = (k: string, v: string | undefined) => {
        const f = field(obj, k);
        if (v !== undefined && f) reps.push([f.value.start, f.value.end, JSON.stringify(v)]);
      };
      str('lastmodified', meta.lastmodified);
      str('mac', meta.mac);
      if (meta.age) {
        let holder = obj;
        const top = field(obj, 'age');
        const groups = field(obj, 'key_groups');
        if (!(top?.value.type === 'array' && top.value.items.length > 0) && groups?.value.type === 'array' && groups.value.items[0]?.type === 'object') holder = groups.value.items[0];
        const age = field(holder, 'age');
        if (!age) throw new SopsError('unsupported', file, 'the sops block has no age list to add a recipient to');
        const first = age.value.type === 'array' ? age.value.items[0] : undefined;
        const encFirst = first?.type === 'object' && first.entries[0]?.key === 'enc';
        reps.push([age.value.start, age.value.end, jsonAgeList(meta.age, lineStartIndent(text, age.keyStart), unit, encFirst)]);
      }
    }
    if (edits.create) {
      const close = root.end - 1;
      let before = close;
      while (before > 0 && ' \t\r\n'.includes(text[before - 1]!)) before--;
      const sep = root.entries.length > 0 ? ',' : '';
      reps.push([before, close, `${sep}\n${unit}"sops": ${newJsonBlock(edits.create, unit, unit)}\n`]);
    }
    return splice(text, reps);
  };
  const out: ParsedStore = { format: binary ? 'binary' : 'json', branches: [branch], metadata: sopsEntry ? jsonToJs(sopsEntry.value) : undefined, render };
  if (sopsEntry) out.metadataLine = lineOf(sopsEntry.keyStart);
  return out;
}

/** A binary file not yet encrypted: its whole text is the single value `data`. */
function plaintextBinary(text: string): ParsedStore {
  return {
    format: 'binary',
    branches: [{ kind: 'map', items: [{ kind: 'entry', key: 'data', value: { kind: 'leaf', ref: 0, value: { type: 'str', value: text } } }] }],
    metadata: undefined,
    render(edits) {
      if (!edits.create) return text;
      const data = edits.leaves?.get(0) ?? '';
      return `{\n\t"data": ${JSON.stringify(data)},\n\t"sops": ${newJsonBlock(edits.create, '\t', '\t')}\n}\n`;
    },
  };
}
