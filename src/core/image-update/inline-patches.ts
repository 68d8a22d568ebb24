/**
 * Image references inside inline kustomize patches: the `patch: |` block of `patches` in kustomization
 * files, Flux `Kustomization.spec.patches`, HelmRelease `postRenderers[].kustomize.patches` and the
 * flux-operator's FluxInstance `spec.kustomize.patches` (also as flux-instance chart values). The
 * block is YAML in a string (a JSON6902 list or a strategic-merge object), so it is parsed on its own,
 * searched with the same finders and rules, and only the changed value's bytes are written back on
 * their own line, at the block's indentation. Other block scalars (scripts, config files) stay untouched.
 * Known limits: blocks with an explicit indentation indicator (`|2`) and folded blocks (`>`) are skipped.
 */
import { isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { Document } from 'yaml';
import type { Warning } from '../proposal/change.ts';
import { applyScalarEdits, ScalarEditError, type ScalarEdit } from '../yaml/scalar-edit.ts';
import { isKindOf, isParseFailure, mapAt, mapAtPath, objectRefOf, parseYamlFile } from '../yaml/yaml-file.ts';
import type { ImageChange } from './image-change.ts';
import type { FileUpdate, FileUpdateContext, VariableUse } from './model.ts';
import { planSite, type PlanState } from './plan-site.ts';
import type { FinderContext, ImageSite } from './site.ts';
import { documentSites } from './update-file.ts';
import { isKustomizeFileName } from '../repo-model/read-kustomize-file.ts';

/** Cheap screen: only files with a `patch:` key can hold an inline patch. */
export function mayHoldInlinePatches(text: string): boolean {
  return /^\s*-?\s*patch(?:es(?:StrategicMerge|Json6902)?)?:/m.test(text);
}

/** One inline patch block and where it sits. */
interface PatchBlock {
  node: Scalar;
  field: string;
  object: ReturnType<typeof objectRefOf>;
}

/** The inline patch blocks of a document, by the kinds that carry them. */
function patchBlocks(path: string, doc: Document.Parsed): PatchBlock[] {
  const root = doc.contents;
  const lists: Array<[unknown, string]> = [];
  if (isKustomizeFileName(path) && isMap(root)) {
    for (const key of ['patches', 'patchesJson6902', 'patchesStrategicMerge']) lists.push([root.get(key, true), key]);
  } else if (isKindOf(root, 'kustomize.toolkit.fluxcd.io', 'Kustomization')) {
    lists.push([mapAt(root, 'spec')?.get('patches', true), 'spec.patches']);
  } else if (isKindOf(root, 'helm.toolkit.fluxcd.io', 'HelmRelease')) {
    const renderers = mapAt(root, 'spec')?.get('postRenderers', true);
    if (isSeq(renderers)) renderers.items.forEach((r, i) => lists.push([mapAt(r, 'kustomize')?.get('patches', true), `spec.postRenderers[${i}].kustomize.patches`]));
    // The flux-instance chart renders `values.instance` as a FluxInstance spec (below).
    lists.push([mapAtPath(root, ['spec', 'values', 'instance', 'kustomize'])?.get('patches', true), 'spec.values.instance.kustomize.patches']);
  } else if (isKindOf(root, 'fluxcd.controlplane.io', 'FluxInstance')) {
    // The flux-operator patches the Flux controllers with these: https://fluxcd.control-plane.io/operator/fluxinstance/
    lists.push([mapAtPath(root, ['spec', 'kustomize'])?.get('patches', true), 'spec.kustomize.patches']);
  }
  const blocks: PatchBlock[] = [];
  const object = objectRefOf(doc);
  const add = (node: unknown, field: string): void => {
    if (isScalar(node) && node.type === Scalar.BLOCK_LITERAL) blocks.push({ node, field, object });
  };
  for (const [list, field] of lists) {
    if (!isSeq(list)) continue;
    list.items.forEach((entry, i) => {
      if (field === 'patchesStrategicMerge') add(entry, `${field}[${i}]`);
      else add(isMap(entry) ? entry.get('patch', true) : undefined, `${field}[${i}].patch`);
    });
  }
  return blocks;
}

/** A literal block's content lines, with where each starts in the file and how much indentation was taken off. */
interface BlockLines {
  content: string;
  lines: Array<{ start: number; cut: number; text: string }>;
}

function blockLines(text: string, node: Scalar): BlockLines | undefined {
  const [start, end] = node.range ?? [0, 0];
  const headerEnd = text.indexOf('\n', start);
  if (headerEnd < 0 || headerEnd >= end) return undefined;
  const header = text.slice(start, headerEnd).replace(/#.*$/, '');
  if (/\d/.test(header)) return undefined; // explicit indentation indicator
  const raw: Array<{ start: number; text: string }> = [];
  let cursor = headerEnd + 1;
  for (const line of text.slice(headerEnd + 1, end).split('\n')) {
    raw.push({ start: cursor, text: line });
    cursor += line.length + 1;
  }
  const spaces = (line: string): number => line.length - line.replace(/^ +/, '').length;
  const indent = Math.min(...raw.filter((l) => l.text.trim() !== '').map((l) => spaces(l.text)));
  if (!Number.isFinite(indent)) return undefined;
  const lines = raw.map((l) => {
    const cut = Math.min(indent, spaces(l.text));
    return { start: l.start, cut, text: l.text.slice(cut) };
  });
  return { content: lines.map((l) => l.text).join('\n'), lines };
}

/** Finds and bumps references inside the inline patches of an already updated file. */
export function updateInlinePatches(path: string, update: FileUpdate, ctx: FileUpdateContext): FileUpdate {
  const outer = parseYamlFile(update.text);
  if (isParseFailure(outer)) return update;
  const splices: Array<{ start: number; end: number; text: string }> = [];
  const checks: Array<{ doc: number; field: string; node: Scalar; lines: Map<number, string> }> = [];
  const changes: ImageChange[] = [];
  const warnings: Warning[] = [];
  const variables: VariableUse[] = [];
  const policy = ctx.policies.forRepository(ctx.release.repository) ?? ctx.defaultPolicy;
  for (const [docIndex, doc] of outer.documents.entries()) {
    for (const block of patchBlocks(path, doc)) {
      const lines = blockLines(update.text, block.node);
      if (!lines) continue;
      const inner = parseYamlFile(lines.content);
      if (isParseFailure(inner)) continue; // kustomize would reject it too; nothing to bump safely
      const firstLine = outer.lineOf(lines.lines[0]!.start);
      const edits: ScalarEdit[] = [];
      const planned: ImageChange[] = [];
      const innerWarnings: Warning[] = [];
      const finder: FinderContext = { path, lineOf: (o) => firstLine + inner.lineOf(o) - 1, warnings: innerWarnings };
      for (const innerDoc of inner.documents) {
        const state: PlanState = { file: path, lineOf: finder.lineOf, object: block.object, release: ctx.release, policy, edits, changes: planned, warnings: innerWarnings, variables };
        for (const site of documentSites(path, innerDoc, finder, ctx.release.repository)) planSite(prefixed(site, block.field), state);
      }
      warnings.push(...innerWarnings);
      if (edits.length === 0) continue;
      let next: string;
      try {
        next = applyScalarEdits(lines.content, edits);
      } catch (err) {
        if (!(err instanceof ScalarEditError)) throw err;
        warnings.push({ code: 'edit-not-applied', file: path, line: planned[0]!.line, message: `${path}:${planned[0]!.line}: ${block.field}: ${err.message}; the patch was left untouched` });
        continue;
      }
      const after = next.split('\n');
      if (after.length !== lines.lines.length) continue; // a value edit never adds lines; refuse anything else
      const changed = new Map<number, string>();
      after.forEach((text, i) => {
        const line = lines.lines[i]!;
        if (text === line.text) return;
        changed.set(i, text);
        splices.push({ start: line.start + line.cut, end: line.start + line.cut + line.text.length, text });
      });
      checks.push({ doc: docIndex, field: block.field, node: block.node, lines: changed });
      changes.push(...planned.map((c) => ({ ...c, reason: 'inline-patch' as const })));
    }
  }
  if (splices.length === 0) return { ...update, warnings: [...update.warnings, ...warnings], variables: [...update.variables, ...variables] };
  let text = update.text;
  for (const s of splices.sort((a, b) => b.start - a.start)) text = text.slice(0, s.start) + s.text + text.slice(s.end);
  if (!blocksReadBack(text, path, checks)) {
    warnings.push({ code: 'edit-not-applied', file: path, message: `${path}: an inline patch did not read back as planned after the edit; its references were left untouched` });
    return { ...update, warnings: [...update.warnings, ...warnings], variables: [...update.variables, ...variables] };
  }
  const all = [...update.changes, ...changes].sort((a, b) => a.line - b.line);
  return { text, changes: all, warnings: [...update.warnings, ...warnings], variables: [...update.variables, ...variables] };
}

/** The site with its fields placed under the patch block's field. */
function prefixed(site: ImageSite, field: string): ImageSite {
  const under = (at: ImageSite['ref']): ImageSite['ref'] => at && { ...at, field: at.field.startsWith('[') || at.field === '' ? `${field}${at.field}` : `${field}.${at.field}` };
  const out: ImageSite = { ...site };
  if (site.ref) out.ref = under(site.ref)!;
  if (site.tag) out.tag = under(site.tag)!;
  if (site.digest) out.digest = under(site.digest)!;
  return out;
}

/** Re-parses the edited file: each edited block must read as its old value with exactly the planned lines replaced. */
function blocksReadBack(text: string, path: string, checks: ReadonlyArray<{ doc: number; field: string; node: Scalar; lines: Map<number, string> }>): boolean {
  const parsed = parseYamlFile(text);
  if (isParseFailure(parsed)) return false;
  return checks.every((check) => {
    const doc = parsed.documents[check.doc];
    const found = doc ? patchBlocks(path, doc).find((b) => b.field === check.field) : undefined;
    if (!found) return false;
    const want = String(check.node.value).split('\n');
    for (const [i, line] of check.lines) want[i] = line.replace(/\r$/, '');
    return found.node.value === want.join('\n');
  });
}
