/**
 * Flux's setter semantics: every scalar whose marker names a known setter gets that setter's value.
 * Used as-is by the Flux conformance suite and, with values decided by policy, by the release path.
 */
import type { Change, RepoFile, Warning } from '../types.ts';
import { applyScalarEdits, renderScalar, ScalarEditError } from '../yaml/scalar-edit.ts';
import type { ScalarEdit } from '../yaml/scalar-edit.ts';
import { isParseFailure, isTopLevelSequence, objectRefOf, parseYamlFile, scalarText } from '../yaml/yaml-file.ts';
import type { YamlFile } from '../yaml/yaml-file.ts';
import { findMarkers } from './markers.ts';
import type { FileUpdate } from './model.ts';

/** Extra facts for the change records of setter edits. */
export interface SetterOptions {
  /** Canonical repository per policy `ns:name`, for `Change.image`. */
  images?: ReadonlyMap<string, string>;
  /** Why each setter value was chosen, per full setter string. */
  why?: ReadonlyMap<string, string>;
}

/** Warning for a file that does not parse; the file is left untouched. */
export function parseWarning(path: string, message: string, line: number): Warning {
  return { code: 'yaml-parse-error', message: `${path}:${line}: not valid YAML, left untouched: ${message}`, file: path, line };
}

/** Warning for markers in a document whose top level is a sequence (Flux never sees them). */
export function sequenceMarkerWarning(path: string, line: number): Warning {
  return {
    code: 'marker-in-sequence-document',
    message: `${path}:${line}: $imagepolicy markers in a document whose top level is a list are ignored (Flux cannot read them either); move the value into a mapping`,
    file: path,
    line,
  };
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
  if (isParseFailure(parsed)) {
    return { text: file.text, changes: [], warnings: [parseWarning(file.path, parsed.message, parsed.line)], variables: [] };
  }
  const edits: ScalarEdit[] = [];
  const changes: Change[] = [];
  const warnings: Warning[] = [];
  collectSetterEdits(file.path, parsed, setters, options, edits, changes, warnings);
  return finishEdits(file, edits, changes, warnings, []);
}

/** Plans the setter edits of a parsed file into the given lists. */
export function collectSetterEdits(
  path: string,
  parsed: YamlFile,
  setters: ReadonlyMap<string, string>,
  options: SetterOptions,
  edits: ScalarEdit[],
  changes: Change[],
  warnings: Warning[],
): void {
  for (const doc of parsed.documents) {
    const marked = findMarkers(parsed.text, doc);
    if (isTopLevelSequence(doc)) {
      if (marked.length > 0) warnings.push(sequenceMarkerWarning(path, parsed.lineOf(marked[0]!.node.range?.[0] ?? 0)));
      continue;
    }
    const object = objectRefOf(doc);
    for (const at of marked) {
      const value = setters.get(at.marker.setter);
      if (value === undefined) continue;
      const old = scalarText(at.node) ?? '';
      if (old === value && at.node.value !== null) continue;
      const change: Change = {
        file: path,
        line: parsed.lineOf(at.node.range?.[0] ?? 0),
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
  plannedChanges: Change[],
  warnings: Warning[],
  variables: FileUpdate['variables'],
): FileUpdate {
  const edits: ScalarEdit[] = [];
  const changes: Change[] = [];
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
