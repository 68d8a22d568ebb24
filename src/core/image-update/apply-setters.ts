/**
 * Flux's setter semantics: every scalar whose marker names a known setter gets that setter's value.
 * Used as-is by the Flux conformance suite and, with values decided by policy, by the release path.
 */
import type { Document } from 'yaml';
import type { Warning } from '../proposal/change.ts';
import type { RepoFile } from '../repo-model/repo-file.ts';
import { applyScalarEdits, renderScalar, ScalarEditError } from '../yaml/scalar-edit.ts';
import type { ScalarEdit } from '../yaml/scalar-edit.ts';
import { isParseFailure, isTopLevelSequence, objectRefOf, parseYamlFile, scalarText } from '../yaml/yaml-file.ts';
import type { YamlFile, YamlParseFailure } from '../yaml/yaml-file.ts';
import { findMarkers } from './markers.ts';
import type { MarkedScalar } from './markers.ts';
import type { FileUpdate } from './model.ts';
import { offsetOf } from './site.ts';
import type { ImageChange } from './image-change.ts';

/** Extra facts for the change records of setter edits. */
export interface SetterOptions {
  /** Canonical repository per policy `ns:name`, for `ImageChange.image`. */
  images?: ReadonlyMap<string, string>;
  /** Why each setter value was chosen, per full setter string. */
  why?: ReadonlyMap<string, string>;
}

/** The result for a file that does not parse: unchanged, with a warning saying where. */
export function untouched(file: RepoFile, failure: YamlParseFailure): FileUpdate {
  const { path } = file;
  const warning: Warning = { code: 'yaml-parse-error', message: `${path}:${failure.line}: not valid YAML, left untouched: ${failure.message}`, file: path, line: failure.line };
  return { text: file.text, changes: [], warnings: [warning], variables: [] };
}

/**
 * The marked scalars of a document, or undefined when its top level is a sequence: Flux never sees
 * markers there, so any found are reported (once per document) and the document is skipped.
 */
export function documentMarkers(path: string, parsed: YamlFile, doc: Document.Parsed, warnings: Warning[], scan = true): MarkedScalar[] | undefined {
  const marked = scan ? findMarkers(parsed.text, doc) : [];
  if (!isTopLevelSequence(doc)) return marked;
  if (marked.length > 0) {
    const line = parsed.lineOf(offsetOf(marked[0]!));
    warnings.push({
      code: 'marker-in-sequence-document',
      message: `${path}:${line}: $imagepolicy markers in a document whose top level is a list are ignored (Flux cannot read them either); move the value into a mapping`,
      file: path,
      line,
    });
  }
  return undefined;
}

/**
 * Applies setters `'ns:name[:tag|:name|:digest]' → value` to one file, byte-minimally, like Flux's
 * setters strategy: all markers are independent, no policy check, equal values are not recorded.
 */
export function applySetters(
  file: RepoFile,
  setters: ReadonlyMap<string, string>,
  options: SetterOptions = {},
): FileUpdate {
  const parsed = parseYamlFile(file.text);
  if (isParseFailure(parsed)) return untouched(file, parsed);
  const edits: ScalarEdit[] = [];
  const changes: ImageChange[] = [];
  const warnings: Warning[] = [];
  collectSetterEdits(file.path, parsed, setters, options, edits, changes, warnings);
  return finishEdits(file, edits, changes, warnings, []);
}

/** Plans the setter edits of a parsed file into the given lists. */
function collectSetterEdits(
  path: string,
  parsed: YamlFile,
  setters: ReadonlyMap<string, string>,
  options: SetterOptions,
  edits: ScalarEdit[],
  changes: ImageChange[],
  warnings: Warning[],
): void {
  for (const doc of parsed.documents) {
    const marked = documentMarkers(path, parsed, doc, warnings);
    if (!marked) continue;
    const object = objectRefOf(doc);
    for (const at of marked) {
      const value = setters.get(at.marker.setter);
      if (value === undefined) continue;
      const old = scalarText(at.node) ?? '';
      if (old === value && at.node.value !== null) continue;
      const change: ImageChange = {
        file: path,
        line: parsed.lineOf(offsetOf(at)),
        object,
        field: at.field,
        old,
        new: value,
        reason: 'setter',
        image: options.images?.get(`${at.marker.namespace}:${at.marker.name}`) ?? '',
        setter: at.marker.setter,
      };
      const why = options.why?.get(at.marker.setter);
      if (why !== undefined) change.why = why;
      edits.push({ node: at.node, value, inFlow: at.inFlow });
      changes.push(change);
    }
  }
}

/**
 * Splices planned edits (`edits[i]` makes `changes[i]`) into the file. A value that cannot be written
 * (block scalar) is skipped with a warning; if the spliced file cannot be verified it is left untouched
 * and its changes dropped with a warning, so nothing half-right is ever written.
 */
export function finishEdits(
  file: RepoFile,
  plannedEdits: ScalarEdit[],
  plannedChanges: ImageChange[],
  warnings: Warning[],
  variables: FileUpdate['variables'],
): FileUpdate {
  const edits: ScalarEdit[] = [];
  const changes: ImageChange[] = [];
  plannedEdits.forEach((edit, index) => {
    const change = plannedChanges[index]!;
    try {
      renderScalar(edit.node, edit.value, edit.inFlow);
      edits.push(edit);
      changes.push(change);
    } catch (err) {
      if (!(err instanceof ScalarEditError)) throw err;
      warnings.push({
        code: 'edit-not-applied',
        message: `${file.path}:${change.line}: ${change.field}: ${err.message}; left as ${JSON.stringify(change.old)}`,
        file: file.path,
        line: change.line,
        field: change.field,
      });
    }
  });
  try {
    const text = applyScalarEdits(file.text, edits);
    const order = changes.map((change, index) => ({ change, index }));
    order.sort((a, b) => a.change.line - b.change.line || a.index - b.index);
    return { text, changes: order.map((o) => o.change), warnings, variables };
  } catch (err) {
    if (!(err instanceof ScalarEditError)) throw err;
    const first = changes[0];
    warnings.push({
      code: 'edit-not-applied',
      message: `${file.path}${first ? `:${first.line}` : ''}: ${err.message}; the file was left untouched`,
      file: file.path,
      ...(first ? { line: first.line, field: first.field } : {}),
    });
    return { text: file.text, changes: [], warnings, variables };
  }
}
