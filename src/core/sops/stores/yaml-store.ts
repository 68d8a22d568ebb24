/**
 * The YAML store: the `yaml` package's Document AST gives each scalar's byte range, its CST gives
 * the comments, and `render` splices new text into exactly those ranges (FORMAT.md §7). `ENC[…]`
 * values stay plain scalars, `lastmodified` is quoted and `enc` is a literal block, as sops writes them.
 */
import { Composer, isAlias, isMap, isScalar, isSeq, LineCounter, Parser, type CST, type Node, type Pair, type YAMLMap } from 'yaml';

type Token = CST.Token;
import { isEncryptedValue } from '../value-cipher.ts';
import { SopsError } from '../sops-error.ts';
import type { SopsScalar } from '../sops-scalar.ts';
import type { TreeComment, TreeEntry, TreeLeaf, TreeMap, TreeNode } from '../sops-tree.ts';
import { resolvePlainScalar } from '../yaml-scalar-resolve.ts';
import type { AgeEntry } from '../age-keys.ts';
import { splice, type NewMetadata, type ParsedStore, type StoreEdits } from './sops-store.ts';

interface Collection {
  start: number;
  end: number;
  /** Where the parent's next item starts: a comment before it, indented at least `col`, still belongs here. */
  extEnd: number;
  col: number;
  depth: number;
  items: Array<TreeEntry | TreeNode | TreeComment>;
  offsets: number[];
}

const column = (text: string, offset: number) => offset - (text.lastIndexOf('\n', offset - 1) + 1);

function collectComments(tokens: readonly Token[]): Array<{ offset: number; source: string }> {
  const found: Array<{ offset: number; source: string }> = [];
  const visit = (o: unknown): void => {
    if (!o || typeof o !== 'object') return;
    const t = o as { type?: string; offset?: number; source?: string };
    if (t.type === 'comment' && typeof t.offset === 'number' && typeof t.source === 'string') found.push({ offset: t.offset, source: t.source });
    for (const v of Object.values(o)) if (v && typeof v === 'object') visit(v);
  };
  for (const token of tokens) visit(token);
  return found;
}

/** Parses a YAML SOPS (or plaintext) file; throws SopsError `malformed` with the line for what sops refuses. */
export function parseYamlStore(text: string, file: string): ParsedStore {
  const lc = new LineCounter();
  // One lexing pass for both the documents and the comments (what parseAllDocuments does, keeping the
  // tokens): parsing twice was a tenth of re-keying 1,000 files.
  const tokens = Array.from(new Parser(lc.addNewLine).parse(text));
  const docs = Array.from(new Composer({ schema: 'failsafe', uniqueKeys: true }).compose(tokens));
  const lineOf = (offset: number) => lc.linePos(offset).line;
  if (!Array.isArray(docs)) throw new SopsError('malformed', file, 'not a YAML stream');
  const spans: Array<[number, number]> = [];
  const commentSpans: Array<[number, number]> = [];
  const collections: Collection[] = [];
  const branches: TreeMap[] = [];
  const sopsMaps: YAMLMap[] = [];
  const skipRanges: Array<[number, number]> = [];
  const insertAt: number[] = [];
  const flowRefs = new Set<number>();
  let flowDepth = 0;
  let metadata: unknown;
  let metadataLine: number | undefined;

  const leaf = (n: Node | null, at: number): TreeLeaf => {
    if (n === null) return { kind: 'leaf', ref: -1, value: null, line: lineOf(at) };
    if (isAlias(n)) throw new SopsError('unsupported', file, 'YAML aliases are expanded by sops, so re-keying would change the file; remove anchors and aliases', lineOf(n.range![0]));
    if (!isScalar(n)) throw new SopsError('malformed', file, 'unexpected YAML node', lineOf(n.range?.[0] ?? at));
    const raw = String(n.value ?? '');
    let value: SopsScalar | null;
    if (n.type === 'PLAIN' && !n.tag) value = resolvePlainScalar(raw);
    else value = { type: 'str', value: raw };
    const ref = spans.push([n.range![0], n.range![1]]) - 1;
    if (flowDepth > 0) flowRefs.add(ref);
    const l: TreeLeaf = { kind: 'leaf', ref, value, line: lineOf(n.range![0]) };
    if (isEncryptedValue(raw)) l.encrypted = raw;
    return l;
  };

  interface Ctx {
    start: number;
    extEnd: number;
    depth: number;
  }
  const node = (n: Node | null, at: number, ctx: Ctx): TreeNode => {
    const flow = (n && (isMap(n) || isSeq(n)) && n.flow) === true;
    if (flow) flowDepth++;
    try {
      if (n && isMap(n)) return map(n, ctx);
      if (n && isSeq(n)) {
        const c: Collection = { start: ctx.start, end: n.range![1], extEnd: ctx.extEnd, col: column(text, n.range![0]), depth: ctx.depth, items: [], offsets: [] };
        collections.push(c);
        const items = n.items as Array<Node | null>;
        items.forEach((item, i) => {
          const next = items[i + 1]?.range?.[0] ?? ctx.extEnd;
          c.items.push(node(item, item?.range?.[0] ?? at, { start: item?.range?.[0] ?? at, extEnd: next, depth: ctx.depth + 1 }));
          c.offsets.push(item?.range?.[0] ?? at);
        });
        return { kind: 'seq', items: c.items as TreeSeqItems };
      }
      return leaf(n, at);
    } finally {
      if (flow) flowDepth--;
    }
  };

  const map = (m: YAMLMap, ctx: Ctx, top = false): TreeMap => {
    const c: Collection = { start: ctx.start, end: top ? ctx.extEnd : m.range![1], extEnd: ctx.extEnd, col: column(text, m.range![0]), depth: ctx.depth, items: [], offsets: [] };
    collections.push(c);
    const pairs = m.items as Array<Pair<Node | null, Node | null>>;
    for (const [pi, pair] of pairs.entries()) {
      const k = pair.key;
      if (!k || !isScalar(k)) throw new SopsError('malformed', file, 'only string keys are supported (sops refuses complex keys)', lineOf(k?.range?.[0] ?? m.range![0]));
      const key = String(k.value);
      if (k.type === 'PLAIN' && resolvePlainScalar(key)?.type !== 'str') throw new SopsError('malformed', file, `key "${key}" is not a string; sops refuses non-string keys (quote it)`, lineOf(k.range![0]));
      if (top && key === 'sops') {
        if (metadata === undefined && isMap(pair.value)) {
          metadata = pair.value.toJSON();
          metadataLine = lineOf(k.range![0]);
        }
        if (isMap(pair.value)) sopsMaps.push(pair.value);
        skipRanges.push([k.range![0], pair.value?.range?.[2] ?? k.range![2]]);
        continue;
      }
      const next = (pairs[pi + 1]?.key as Node | null | undefined)?.range?.[0] ?? ctx.extEnd;
      c.items.push({ kind: 'entry', key, value: node(pair.value, k.range![0], { start: k.range![1], extEnd: next, depth: ctx.depth + 1 }) });
      c.offsets.push(k.range![0]);
    }
    return { kind: 'map', items: c.items as TreeMap['items'] };
  };

  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      throw new SopsError('malformed', file, `invalid YAML: ${e.code}`, lineOf(e.pos[0]));
    }
    const contents = doc.contents as Node | null;
    const [ds, de] = [doc.range[0], doc.range[2]];
    if (contents === null || (isScalar(contents) && (contents.value === null || contents.value === ''))) {
      collections.push({ start: ds, end: de, extEnd: de, col: 0, depth: 0, items: [], offsets: [] });
      branches.push({ kind: 'map', items: collections[collections.length - 1]!.items as TreeMap['items'] });
      insertAt.push(de);
      continue;
    }
    if (!isMap(contents)) throw new SopsError('malformed', file, 'every YAML document must be a map (sops does not support top-level lists or values)', lineOf(contents.range?.[0] ?? ds));
    branches.push(map(contents, { start: ds, extEnd: de, depth: 0 }, true));
    insertAt.push(contents.range![2]);
  }

  for (const { offset, source } of collectComments(tokens)) {
    if (skipRanges.some(([s, e]) => offset >= s && offset < e)) continue;
    const col = column(text, offset);
    let best: Collection | undefined;
    for (const c of collections) {
      const inside = offset >= c.start && (offset < c.end || (offset < c.extEnd && col >= c.col));
      if (inside && (!best || c.depth > best.depth)) best = c;
    }
    if (!best) best = collections.findLast((c) => c.start <= offset) ?? collections[0];
    if (!best) continue;
    const ref = commentSpans.push([offset, offset + source.length]) - 1;
    const item: TreeComment = { kind: 'comment', ref, text: source.slice(1), line: lineOf(offset) };
    let i = best.offsets.findIndex((o) => o > offset);
    if (i < 0) i = best.offsets.length;
    best.items.splice(i, 0, item);
    best.offsets.splice(i, 0, offset);
  }

  const render = (edits: StoreEdits): string => {
    const reps: Array<[number, number, string]> = [];
    for (const [ref, value] of edits.leaves ?? []) {
      const [s, e] = spans[ref]!;
      const old = text.slice(s, e);
      // In flow collections `,` and `[` end a plain scalar, so ENC values are quoted there.
      const stored = value === '' ? '""' : flowRefs.has(ref) ? JSON.stringify(value) : value;
      reps.push([s, e, stored + (old.endsWith('\n') ? '\n' : '')]);
    }
    for (const [ref, value] of edits.comments ?? []) {
      const [s, e] = commentSpans[ref]!;
      reps.push([s, e, `#${value}`]);
    }
    if (edits.metadata) for (const m of sopsMaps) reps.push(...metadataEdits(text, m, edits.metadata, file));
    if (edits.create) {
      const block = newYamlBlock(edits.create);
      for (const at of insertAt) reps.push([at, at, (at > 0 && text[at - 1] !== '\n' ? '\n' : '') + block]);
    }
    return splice(text, reps);
  };

  const out: ParsedStore = { format: 'yaml', branches, metadata, render };
  if (metadataLine !== undefined) out.metadataLine = metadataLine;
  return out;
}

type TreeSeqItems = Array<TreeNode | TreeComment>;

/** Layout of an age list: columns and key order, read from the file or sops's defaults. */
interface AgeLayout {
  seqCol: number;
  keyCol: number;
  contentCol: number;
  encFirst: boolean;
}

function literal(enc: string, col: number): string {
  const body = enc.endsWith('\n') ? enc.slice(0, -1) : enc;
  return `${enc.endsWith('\n') ? '|' : '|-'}\n${body.split('\n').map((l) => `${' '.repeat(col)}${l}`).join('\n')}\n`;
}

/** An age list as block YAML; the first line starts at the `-` (the caller places it). */
export function yamlAgeList(entries: readonly AgeEntry[], l: AgeLayout): string {
  const pad = (n: number) => ' '.repeat(n);
  return entries
    .map((e, i) => {
      const rec = `recipient: ${e.recipient}\n`;
      const enc = `enc: ${literal(e.enc, l.contentCol)}`;
      const [a, b] = l.encFirst ? [enc, rec] : [rec, enc];
      return `${i === 0 ? '' : pad(l.seqCol)}-${pad(l.keyCol - l.seqCol - 1)}${a}${pad(l.keyCol)}${b}`;
    })
    .join('');
}

function metadataEdits(text: string, sops: YAMLMap, edit: NonNullable<StoreEdits['metadata']>, file: string): Array<[number, number, string]> {
  const reps: Array<[number, number, string]> = [];
  const pair = (m: YAMLMap, key: string) => (m.items as Array<Pair<Node | null, Node | null>>).find((p) => isScalar(p.key) && p.key.value === key);
  const scalarAt = (key: string, value: string) => {
    const p = pair(sops, key);
    if (p?.value && isScalar(p.value)) reps.push([p.value.range![0], p.value.range![1], value]);
  };
  if (edit.lastmodified !== undefined) scalarAt('lastmodified', `"${edit.lastmodified}"`);
  if (edit.mac !== undefined) scalarAt('mac', edit.mac);
  if (edit.age) {
    let holder: YAMLMap = sops;
    const top = pair(sops, 'age');
    const groups = pair(sops, 'key_groups');
    if (!(top?.value && isSeq(top.value) && top.value.items.length > 0) && groups?.value && isSeq(groups.value) && isMap(groups.value.items[0])) {
      holder = groups.value.items[0] as YAMLMap;
    }
    const agePair = pair(holder, 'age');
    const firstKey = holder.items[0] as Pair<Node, Node> | undefined;
    const childCol = column(text, (firstKey?.key as Node | undefined)?.range?.[0] ?? sops.range![0]);
    let layout: AgeLayout = { seqCol: childCol + 4, keyCol: childCol + 6, contentCol: childCol + 10, encFirst: false };
    const seq = agePair?.value;
    if (seq && isSeq(seq) && !seq.flow && seq.items.length > 0 && isMap(seq.items[0])) {
      const first = seq.items[0] as YAMLMap;
      const k0 = (first.items[0] as Pair<Node, Node>).key;
      const encPair = pair(first, 'enc');
      const seqCol = column(text, seq.range![0]);
      const keyCol = column(text, k0.range![0]);
      let contentCol = keyCol + 4;
      if (encPair?.value && isScalar(encPair.value)) {
        const nl = text.indexOf('\n', encPair.value.range![0]);
        const line = text.slice(nl + 1, text.indexOf('\n', nl + 1));
        contentCol = line.length - line.trimStart().length;
      }
      layout = { seqCol, keyCol, contentCol, encFirst: isScalar(k0) && k0.value === 'enc' };
      const old = text.slice(seq.range![0], seq.range![1]);
      const list = yamlAgeList(edit.age, layout);
      reps.push([seq.range![0], seq.range![1], old.endsWith('\n') ? list : list.replace(/\n$/, '')]);
    } else if (agePair) {
      const at = agePair.value?.range ?? [(agePair.key as Node).range![2], (agePair.key as Node).range![2]];
      const keyEnd = (agePair.key as Node).range![1];
      const tail = text.slice(at[1], at[2] ?? at[1]);
      reps.push([keyEnd, at[1], `:\n${' '.repeat(layout.seqCol)}${yamlAgeList(edit.age, layout).replace(/\n$/, '')}`]);
      void tail;
    } else {
      throw new SopsError('unsupported', file, 'the sops block has no age list to add a recipient to');
    }
  }
  return reps;
}

/** A new `sops` block laid out as sops 3.10–3.12 writes it (4-space indent, struct order). */
function newYamlBlock(m: NewMetadata): string {
  const lines = ['sops:', '    age:'];
  const list = yamlAgeList(m.age, { seqCol: 8, keyCol: 10, contentCol: 12, encFirst: false });
  let out = `${lines.join('\n')}\n        ${list}`;
  out += `    lastmodified: "${m.lastmodified}"\n    mac: ${m.mac}\n`;
  out += `    ${m.rule.kind}: ${yamlPlainOrQuoted(m.rule.value)}\n`;
  if (m.macOnlyEncrypted) out += '    mac_only_encrypted: true\n';
  out += `    version: ${m.version}\n`;
  return out;
}

/** Plain when YAML reads it back as the same string, else double-quoted (JSON quoting is valid YAML). */
function yamlPlainOrQuoted(s: string): string {
  const safe = /^[A-Za-z0-9_^$().|\\\[\]*+?{}-][^#:]*$/.test(s) && !/\s$/.test(s) && resolvePlainScalar(s)?.type === 'str' && !/^[[{]/.test(s);
  return safe ? s : JSON.stringify(s);
}
