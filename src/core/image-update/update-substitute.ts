/**
 * Edits one Flux postBuild variable: `spec.postBuild.substitute.<variable>` of a
 * kustomize.toolkit.fluxcd.io Kustomization, byte-minimally (the value stays a string, as Flux requires).
 */
import { isAlias } from 'yaml';
import type { RepoFile } from '../repo-model/repo-file.ts';
import { applyScalarEdits, ScalarEditError } from '../yaml/scalar-edit.ts';
import { isKindOf, isParseFailure, mapAtPath, objectRefOf, parseYamlFile, scalarAt, scalarText } from '../yaml/yaml-file.ts';
import type { ImageChange } from './image-change.ts';

/** Thrown when the variable cannot be found or written; the message says where and what to do. */
export class SubstituteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubstituteError';
  }
}

/**
 * Sets `spec.postBuild.substitute.<variable>` in the Flux Kustomization named `target` (a name, or a
 * name and the namespace as written, undefined when none is; the first one setting that variable when
 * `target` is undefined). `image` fills ImageChange.image. Throws SubstituteError when the file does not
 * parse, the variable is absent, or the value cannot be written.
 */
export function updateSubstitute(
  file: RepoFile,
  target: string | { name: string; namespace?: string } | undefined,
  variable: string,
  newValue: string,
  image = '',
): { text: string; change?: ImageChange } {
  const objectName = typeof target === 'object' ? target.name : target;
  const parsed = parseYamlFile(file.text);
  if (isParseFailure(parsed)) throw new SubstituteError(`${file.path}:${parsed.line}: not valid YAML (${parsed.message}); fix the file first`);
  for (const doc of parsed.documents) {
    const root = doc.contents;
    if (!isKindOf(root, 'kustomize.toolkit.fluxcd.io', 'Kustomization')) continue;
    const object = objectRefOf(doc);
    if (objectName !== undefined && object?.name !== objectName) continue;
    if (typeof target === 'object' && object?.namespace !== target.namespace) continue;
    const substitute = mapAtPath(root, ['spec', 'postBuild', 'substitute']);
    const written = substitute?.get(variable, true);
    if (isAlias(written)) {
      // Editing the anchor would change every other use of it; the user decides where the value lives.
      const anchor = written.resolve(doc);
      const line = parsed.lineOf(written.range?.[0] ?? 0);
      const at = anchor?.range ? ` at line ${parsed.lineOf(anchor.range[0])}` : '';
      throw new SubstituteError(
        `${file.path}:${line} spec.postBuild.substitute.${variable} is an alias of the anchor &${written.source}${at}; Courier never edits through an alias, because the anchor's other uses would change too. Write the value (${newValue}) in place of *${written.source}.`,
      );
    }
    const node = scalarAt(substitute, variable);
    if (!node) continue;
    const old = scalarText(node) ?? '';
    if (old === newValue) return { text: file.text };
    const field = `spec.postBuild.substitute.${variable}`;
    const line = parsed.lineOf(node.range?.[0] ?? 0);
    try {
      const text = applyScalarEdits(file.text, [{ node, value: newValue, inFlow: substitute?.flow === true }]);
      const change: ImageChange = { file: file.path, line, object, field, old, new: newValue, reason: 'postbuild-substitute', image };
      return { text, change };
    } catch (err) {
      if (err instanceof ScalarEditError) throw new SubstituteError(`${file.path}:${line} ${field}: ${err.message}`);
      throw err;
    }
  }
  const which = objectName === undefined ? 'any Flux Kustomization' : `Flux Kustomization ${objectName}`;
  throw new SubstituteError(`${file.path}: ${which} has no spec.postBuild.substitute.${variable}; add the variable there or fix the name`);
}
