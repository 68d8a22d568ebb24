/**
 * Parsing a YAML file for byte-minimal editing: documents keep their source ranges (offsets into the
 * original text), so rewriters splice values instead of re-serialising anything.
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Document, Node, Scalar, YAMLMap } from 'yaml';
import type { ObjectRef } from '../proposal/change.ts';

/** A parsed file: its documents, and a line lookup for offsets. */
export interface YamlFile {
  text: string;
  documents: Document.Parsed[];
  /** 1-based line of a character offset. */
  lineOf(offset: number): number;
}

/** Why a file could not be parsed, with the 1-based line of the first error. */
export interface YamlParseFailure {
  message: string;
  line: number;
}

/**
 * Parses every document of a file. Any error in any document fails the whole file: a broken
 * document can mis-delimit its neighbours, so editing the rest would not be trustworthy.
 */
export function parseYamlFile(text: string): YamlFile | YamlParseFailure {
  const counter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: counter, prettyErrors: true });
  const list = Array.isArray(documents) ? documents : [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      const firstLine = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
      return { message: firstLine, line: error.linePos?.[0].line ?? counter.linePos(error.pos[0]).line };
    }
  }
  return { text, documents: list, lineOf: (offset) => counter.linePos(offset).line };
}

/** True when parseYamlFile failed. */
export function isParseFailure(value: YamlFile | YamlParseFailure): value is YamlParseFailure {
  return 'message' in value;
}

/** The scalar under `key` in a mapping, or undefined. */
export function scalarAt(map: unknown, key: string): Scalar | undefined {
  if (!isMap(map)) return undefined;
  const value = map.get(key, true);
  return isScalar(value) ? value : undefined;
}

/** The mapping under `key`, or undefined. */
export function mapAt(map: unknown, key: string): YAMLMap | undefined {
  if (!isMap(map)) return undefined;
  const value = map.get(key, true);
  return isMap(value) ? value : undefined;
}

/** Follows a path of keys through nested mappings. */
export function mapAtPath(map: unknown, keys: readonly string[]): YAMLMap | undefined {
  let current: unknown = map;
  for (const key of keys) current = mapAt(current, key);
  return isMap(current) ? current : undefined;
}

/** A scalar's text as written, before YAML typing (`1.10` stays `1.10`); undefined for null. */
export function scalarText(node: Scalar | undefined): string | undefined {
  if (!node || node.value === null || node.value === undefined) return undefined;
  return typeof node.source === 'string' ? node.source : String(node.value);
}

/** The string value of the scalar under `key`, as written. */
export function stringAt(map: unknown, key: string): string | undefined {
  return scalarText(scalarAt(map, key));
}

/** apiVersion, kind, metadata.namespace and metadata.name of a document, or null when it has none. */
export function objectRefOf(doc: Document.Parsed): ObjectRef | null {
  const root = doc.contents;
  if (!isMap(root)) return null;
  const ref: ObjectRef = {};
  const apiVersion = stringAt(root, 'apiVersion');
  const kind = stringAt(root, 'kind');
  const metadata = mapAt(root, 'metadata');
  const namespace = stringAt(metadata, 'namespace');
  const name = stringAt(metadata, 'name');
  if (apiVersion !== undefined) ref.apiVersion = apiVersion;
  if (kind !== undefined) ref.kind = kind;
  if (namespace !== undefined) ref.namespace = namespace;
  if (name !== undefined) ref.name = name;
  return Object.keys(ref).length > 0 ? ref : null;
}

/** True when a document root is a `kind` object of API group `group`, any version (`helm.toolkit.fluxcd.io`, `HelmRelease`). */
export function isKindOf(root: unknown, group: string, kind: string): boolean {
  return isMap(root) && stringAt(root, 'kind') === kind && (stringAt(root, 'apiVersion') ?? '').startsWith(`${group}/`);
}

/** True when the document's top-level node is a sequence (Flux cannot see markers there). */
export function isTopLevelSequence(doc: Document.Parsed): boolean {
  return isSeq(doc.contents);
}

/** A scalar and its dotted field path, e.g. `spec.template.spec.containers[0].image`. */
export interface ScalarAt {
  node: Scalar;
  field: string;
  /** True when the scalar sits in a flow collection (`[a, b]`, `{k: v}`). */
  inFlow: boolean;
}

/** Calls `fn` for every scalar value (not keys) under `node`, depth first, in document order. */
export function walkScalars(node: Node | null | undefined, path: string, fn: (at: ScalarAt) => void, inFlow = false): void {
  if (!node) return;
  if (isScalar(node)) {
    fn({ node, field: path, inFlow });
  } else if (isMap(node)) {
    const flow = inFlow || node.flow === true;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      walkScalars(pair.value as Node | null, path ? `${path}.${key}` : key, fn, flow);
    }
  } else if (isSeq(node)) {
    const flow = inFlow || node.flow === true;
    node.items.forEach((item, index) => walkScalars(item as Node | null, `${path}[${index}]`, fn, flow));
  }
}

/** Joins a dotted path and a key. */
export function joinField(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}
