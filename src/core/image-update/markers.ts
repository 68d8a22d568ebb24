/**
 * Flux setter markers (`# {"$imagepolicy": "ns:name[:tag|:name|:digest]"}`), read the way kyaml
 * reads them: the scalar's line comment first, then its head comment; the whole comment (leading
 * `#`s stripped) must be a JSON object of strings.
 */
import type { Document, Scalar } from 'yaml';
import { walkScalars } from '../yaml/yaml-file.ts';
import type { ScalarAt } from '../yaml/yaml-file.ts';

/** Which part of the policy's latest reference a marker selects. */
export type MarkerPart = 'full' | 'tag' | 'name' | 'digest';

/** A parsed `$imagepolicy` marker. */
export interface Marker {
  /** The marker value as written, e.g. `flux-system:app:tag`. */
  setter: string;
  namespace: string;
  name: string;
  part: MarkerPart;
}

/** A scalar carrying a marker. */
export interface MarkedScalar extends ScalarAt {
  marker: Marker;
}

const SETTERS_REF = /^#\/definitions\/io\.k8s\.cli\.setters\.(.+)$/;

/** Parses a marker value `ns:name[:tag|:name|:digest]`; undefined when malformed. */
export function parseSetter(setter: string): Marker | undefined {
  const parts = setter.split(':');
  const [namespace, name, suffix] = parts;
  if (parts.length < 2 || parts.length > 3 || !namespace || !name) return undefined;
  if (suffix === undefined) return { setter, namespace, name, part: 'full' };
  if (suffix === 'tag' || suffix === 'name' || suffix === 'digest') return { setter, namespace, name, part: suffix };
  return undefined;
}

/** The marker in one comment text (without or with its `#`s), or undefined. */
export function parseMarkerComment(comment: string | undefined): Marker | undefined {
  if (comment === undefined) return undefined;
  const body = comment.trim().replace(/^#+/, '').trim();
  if (!body.startsWith('{')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const record = json as Record<string, unknown>;
  if (!Object.values(record).every((v) => typeof v === 'string')) return undefined;
  const direct = record.$imagepolicy;
  if (typeof direct === 'string') return parseSetter(direct);
  const ref = record.$ref;
  const long = typeof ref === 'string' ? SETTERS_REF.exec(ref) : null;
  return long?.[1] ? parseSetter(long[1]) : undefined;
}

/** The line comment that follows a scalar on its own line, read from the source text. */
function lineCommentOf(text: string, node: Scalar): string | undefined {
  const end = node.range?.[1];
  if (end === undefined) return undefined;
  const lineEnd = text.indexOf('\n', end);
  const rest = text.slice(end, lineEnd < 0 ? text.length : lineEnd).replace(/\r$/, '');
  const match = /^[ \t]+#(.*)$/.exec(rest) ?? (end > 0 && /\s/.test(text[end - 1] ?? '') ? /^#(.*)$/.exec(rest) : null);
  return match ? match[1] : undefined;
}

/** The marker of one scalar: line comment first; the head comment only when there is no line comment. */
function markerOf(text: string, node: Scalar): Marker | undefined {
  const line = lineCommentOf(text, node);
  if (line !== undefined) return parseMarkerComment(line);
  const head = node.commentBefore;
  return head ? parseMarkerComment(head) : undefined;
}

/** Every marked scalar of a document, in document order. */
export function findMarkers(text: string, doc: Document.Parsed): MarkedScalar[] {
  const found: MarkedScalar[] = [];
  walkScalars(doc.contents, '', (at) => {
    const marker = markerOf(text, at.node);
    if (marker) found.push({ ...at, marker });
  });
  return found;
}
