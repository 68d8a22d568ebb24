/**
 * Plans promoting environment `from` into the next one, `to`: images move through the image-update
 * planner (every reference kind, byte-minimal, shared files left alone with a warning) fed with
 * `from`'s versions as releases; chart versions move through a byte-minimal scalar edit. Pure.
 */
import { isMap, isScalar } from 'yaml';
import type { CourierConfig } from '../config/index.ts';
import { PlanError, planImageUpdate } from '../image-update/plan-image-update.ts';
import type { Release } from '../image-update/release.ts';
import type { Change, Warning } from '../proposal/change.ts';
import type { FileEdit } from '../proposal/proposal.ts';
import type { RepoFile } from '../repo-model/repo-file.ts';
import { applyScalarEdits, type ScalarEdit } from '../yaml/scalar-edit.ts';
import { isKindOf, isParseFailure, mapAtPath, parseYamlFile, stringAt } from '../yaml/yaml-file.ts';
import { diffInventories, type InventoryDiff } from './diff-inventories.ts';
import { readInventory, type Inventory } from './read-inventory.ts';
import { syncFolders, type SyncedFile } from './sync-folders.ts';
import { driftReport, type DriftReport } from './drift-report.ts';

/** Input of planPromotion. */
export interface PromotionInput {
  files: readonly RepoFile[];
  config: CourierConfig;
  from: string;
  to: string;
  /** Versions never to promote (rejected after a cluster failed on them), by entry key. */
  rejected?: readonly { subject: string; version: string }[];
}

/** What planPromotion returns: the inventories, their diff, the folders synced, and the edits of `to`. */
export interface PromotionPlan {
  from: Inventory;
  to: Inventory;
  diff: InventoryDiff;
  /** Files written by `promotion.folders` (a synced file wins over a version edit of the same file). */
  sync: SyncedFile[];
  /** What else differs for the same components and does not move (the PR's drift section). */
  drift: DriftReport;
  changeSet: { edits: FileEdit[]; changes: Change[]; warnings: Warning[] };
}

/** Checks both names and that `to` comes after `from` in promotion order; PlanError names the known ones. */
export function resolvePromotion(config: CourierConfig, from: string, to: string): void {
  const names = config.environments.map((e) => e.name);
  const known = `the config declares, in promotion order: ${names.join(', ')}`;
  for (const name of [from, to]) {
    if (!names.includes(name)) throw new PlanError(`unknown environment "${name}": ${known}.`);
  }
  if (names.indexOf(to) <= names.indexOf(from)) {
    throw new PlanError(`cannot promote ${from} to ${to}: ${to} does not come after ${from}; ${known}.`);
  }
}

/** Files the version engine reads: manifests (and `.sourceignore`); a synced folder's other files are copied, never parsed. */
const isEngineInput = (path: string): boolean => /\.ya?ml$/i.test(path) || /(^|\/)(Kustomization|\.sourceignore)$/.test(path);

/** Plans the promotion of `from`'s versions into `to`; `files` may hold non-manifest files of synced folders. */
export function planPromotion(given: PromotionInput): PromotionPlan {
  const input = { ...given, files: given.files.filter((f) => isEngineInput(f.path)) };
  resolvePromotion(input.config, input.from, input.to);
  const from = readInventory(input.files, input.config, input.from);
  const to = readInventory(input.files, input.config, input.to);
  const diff = diffInventories(from, to);
  const rejectedWarnings: Warning[] = [];
  if (input.rejected && input.rejected.length > 0) {
    diff.moves = diff.moves.filter((m) => {
      const version = m.kind === 'chart' ? m.to.version : m.to.tag;
      const hit = input.rejected!.some((r) => r.subject === m.key && r.version === version);
      if (hit) rejectedWarnings.push({ code: 'promotion-rejected', message: `${m.kind} ${m.key} ${version} is rejected (a cluster failed on it) and is not promoted; /courier release ${m.key}:${version} lifts the rejection.` });
      return !hit;
    });
  }
  const releases: Release[] = diff.moves
    .filter((m) => m.kind === 'image')
    .map((m) => ({ repository: m.key, tag: m.to.tag ?? '', ...(m.to.digest ? { digest: m.to.digest } : {}), source: { url: `environment ${input.from}` } }));
  const images = releases.length > 0
    ? planImageUpdate({ files: input.files, config: input.config, releases, environment: input.to }).changeSet
    : { edits: [], changes: [], warnings: [] };
  const texts = new Map(input.files.map((f) => [f.path, f.text]));
  for (const edit of images.edits) texts.set(edit.path, edit.after);
  const changes: Change[] = [...images.changes];
  const warnings: Warning[] = [...from.warnings, ...to.warnings, ...diff.warnings, ...rejectedWarnings, ...images.warnings];
  for (const move of diff.moves.filter((m) => m.kind === 'chart')) {
    const entry = to.charts.get(move.key)!;
    for (const site of entry.sites) {
      const text = texts.get(site.file)!;
      const edited = entry.ociRepository !== undefined ? editOciTag(text, entry.ociRepository, move.to.version!) : editChartVersion(text, move.key, move.to.version!);
      if (edited === undefined) continue;
      texts.set(site.file, edited);
      changes.push({ file: site.file, line: site.line, object: null, field: site.field, old: move.from.version!, new: move.to.version!, reason: 'chart-version', why: `what ${input.from} runs` });
    }
  }
  // Folders synced last: a synced file is k's file, which already holds k's versions.
  const sync = syncFolders(given.files, input.config, input.from, input.to);
  warnings.push(...sync.warnings);
  const synced = new Map(sync.edits.map((e) => [e.path, e]));
  const edits: FileEdit[] = sync.edits.filter((e) => e.before === null);
  for (const file of given.files) {
    const after = synced.has(file.path) ? synced.get(file.path)!.after : (texts.get(file.path) ?? file.text);
    if (after !== file.text) edits.push({ path: file.path, before: file.text, after });
  }
  edits.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const kept = changes.filter((c) => !synced.has(c.file));
  kept.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  const drift = driftReport(given.files, input.config, input.from, input.to);
  return { from, to, diff, sync: sync.files, drift, changeSet: { edits, changes: kept, warnings } };
}

/** Sets `spec.chart.spec.version` of the HelmRelease keyed `<name>/<chart>`; undefined when not found. */
function editChartVersion(text: string, key: string, version: string): string | undefined {
  const parsed = parseYamlFile(text);
  if (isParseFailure(parsed)) return undefined;
  const edits: ScalarEdit[] = [];
  for (const doc of parsed.documents) {
    const root = doc.contents;
    if (!isMap(root) || !isKindOf(root, 'helm.toolkit.fluxcd.io', 'HelmRelease')) continue;
    const spec = mapAtPath(root, ['spec', 'chart', 'spec']);
    const name = stringAt(mapAtPath(root, ['metadata']), 'name');
    if (!spec || `${name}/${stringAt(spec, 'chart')}` !== key) continue;
    const node = spec.get('version', true);
    if (isScalar(node)) edits.push({ node, value: version, inFlow: spec.flow === true });
  }
  return edits.length > 0 ? applyScalarEdits(text, edits) : undefined;
}

/** Sets `spec.ref.tag` of the OCIRepository named `name` (a HelmRelease's `chartRef`); undefined when not found. */
function editOciTag(text: string, name: string, tag: string): string | undefined {
  const parsed = parseYamlFile(text);
  if (isParseFailure(parsed)) return undefined;
  const edits: ScalarEdit[] = [];
  for (const doc of parsed.documents) {
    const root = doc.contents;
    if (!isMap(root) || !isKindOf(root, 'source.toolkit.fluxcd.io', 'OCIRepository')) continue;
    if (stringAt(mapAtPath(root, ['metadata']), 'name') !== name) continue;
    const ref = mapAtPath(root, ['spec', 'ref']);
    const node = ref?.get('tag', true);
    if (ref && isScalar(node)) edits.push({ node, value: tag, inFlow: ref.flow === true });
  }
  return edits.length > 0 ? applyScalarEdits(text, edits) : undefined;
}
