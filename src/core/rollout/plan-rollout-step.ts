/**
 * The next step of a walk, from the repository alone: the first cluster (in walk order) not yet on
 * the target gets a switch of its Kustomizations' `spec.path` (the value's bytes, in the style of the
 * old value); when every cluster is on the target and nothing references an older folder any more,
 * the older folders are deleted. Abort and a cluster's rollback point Kustomizations back.
 */
import { isMap, isScalar } from 'yaml';
import type { Change } from '../proposal/change.ts';
import type { FileEdit } from '../proposal/proposal.ts';
import { normaliseFluxPath } from '../repo-model/build-repo-model.ts';
import { isUnder } from '../repo-model/environment-of.ts';
import type { RepoModel } from '../repo-model/flux-objects.ts';
import type { RepoFile } from '../repo-model/repo-file.ts';
import { applyScalarEdits, type ScalarEdit } from '../yaml/scalar-edit.ts';
import { isParseFailure, parseYamlFile, stringAt, mapAt } from '../yaml/yaml-file.ts';
import { RolloutError } from './rollout-error.ts';
import { referencesTo, type AppliedBy, type RolloutWalk, type WalkCluster } from './rollout-walk.ts';

/** What the walk does next. */
export type RolloutStep =
  | { kind: 'switch'; cluster: WalkCluster; previous?: WalkCluster; edits: FileEdit[]; changes: Change[] }
  | { kind: 'finish'; folders: string[]; edits: FileEdit[]; changes: Change[] }
  /** Every cluster is switched, but something still reads an older folder (named in `reason`). */
  | { kind: 'waiting'; reason: string }
  | { kind: 'done'; reason: string };

/** `./apps/podinfo/` → `./apps/podinfo-v2/`: the new folder written in the old value's style. */
export function rewritePath(value: string, from: string, to: string): string {
  const normal = normaliseFluxPath(value);
  const moved = `${to}${normal.slice(from.length)}`;
  const lead = value.trim().startsWith('./') ? './' : value.trim().startsWith('/') ? '/' : '';
  const trail = value.trim().length > 1 && value.trim().endsWith('/') ? '/' : '';
  return `${lead}${moved}${trail}`;
}

/**
 * Edits of `spec.path` for the given Kustomizations: each one moved from its folder to `to(k)`.
 * Only the value's bytes change; quotes and comments stay.
 */
export function pathEdits(files: readonly RepoFile[], targets: readonly AppliedBy[], to: (k: AppliedBy) => string): { edits: FileEdit[]; changes: Change[] } {
  const byFile = new Map<string, AppliedBy[]>();
  for (const k of targets) byFile.set(k.file, [...(byFile.get(k.file) ?? []), k]);
  const edits: FileEdit[] = [];
  const changes: Change[] = [];
  for (const [path, list] of byFile) {
    const file = files.find((f) => f.path === path);
    if (!file) throw new RolloutError(`${path} was not read: cannot switch its Kustomization`);
    const parsed = parseYamlFile(file.text);
    if (isParseFailure(parsed)) throw new RolloutError(`${path}:${parsed.line}: not valid YAML (${parsed.message}): fix it, then run again`);
    const scalarEdits: ScalarEdit[] = [];
    for (const k of list) {
      const destination = to(k);
      for (const doc of parsed.documents) {
        const root = doc.contents;
        if (!isMap(root) || stringAt(root, 'kind') !== 'Kustomization' || stringAt(mapAt(root, 'metadata'), 'name') !== k.name) continue;
        const node = mapAt(root, 'spec')?.get('path', true);
        if (!isScalar(node) || typeof node.value !== 'string' || normaliseFluxPath(node.value) !== k.path) continue;
        const value = rewritePath(node.value, k.folder, destination);
        scalarEdits.push({ node, value, inFlow: false });
        changes.push({ file: path, line: parsed.lineOf(node.range![0]), object: { apiVersion: stringAt(root, 'apiVersion'), kind: 'Kustomization', name: k.name }, field: 'spec.path', old: node.value, new: value, reason: 'kustomization-path' });
      }
    }
    const after = applyScalarEdits(file.text, scalarEdits);
    if (after !== file.text) edits.push({ path, before: file.text, after });
  }
  return { edits, changes };
}

/** Deletes every file of the folders. */
function deleteFolders(files: readonly RepoFile[], paths: readonly string[], folders: readonly string[]): { edits: FileEdit[]; changes: Change[] } {
  const text = new Map(files.map((f) => [f.path, f.text]));
  const gone = paths.filter((p) => folders.some((f) => isUnder(p, f))).sort();
  const unread = gone.filter((p) => !text.has(p));
  if (unread.length > 0) throw new RolloutError(`${unread[0]} could not be read (binary, a symlink or too large), so Courier cannot delete its folder through a pull request: delete ${folders.join(', ')} by hand`);
  return {
    edits: gone.map((p) => ({ path: p, before: text.get(p)!, after: null })),
    changes: gone.map((p) => ({ file: p, line: 0, object: null, field: '', old: p, new: '', reason: 'rollout-delete' })),
  };
}

/** The next step of the walk. */
export function planNextStep(walk: RolloutWalk, model: RepoModel, files: readonly RepoFile[]): RolloutStep {
  const index = walk.clusters.findIndex((c) => !c.switched);
  if (index >= 0) {
    const cluster = walk.clusters[index]!;
    const previous = index > 0 ? walk.clusters[index - 1] : undefined;
    const { edits, changes } = pathEdits(files, cluster.kustomizations.filter((k) => k.folder !== walk.target), () => walk.target);
    return { kind: 'switch', cluster, ...(previous ? { previous } : {}), edits, changes };
  }
  if (walk.sources.length === 0) return { kind: 'done', reason: `every cluster applies ${walk.target} and no older folder of ${walk.app} is left` };
  const still = walk.sources.flatMap((s) => referencesTo(s, model));
  if (still.length > 0) return { kind: 'waiting', reason: `every configured cluster applies ${walk.target}, but ${still.join('; ')} still ${still.length === 1 ? 'reads' : 'read'} ${walk.sources.join(', ')}: point ${still.length === 1 ? 'it' : 'them'} elsewhere first` };
  return { kind: 'finish', folders: walk.sources, ...deleteFolders(files, model.paths, walk.sources) };
}

/** Abort: every switched Kustomization back to the newest older folder, and the copy deleted, in one change. */
export function planAbort(walk: RolloutWalk, model: RepoModel, files: readonly RepoFile[]): { back: string; edits: FileEdit[]; changes: Change[] } {
  const back = walk.sources[0];
  if (!back) throw new RolloutError(`no older folder of ${walk.app} is left to go back to: the rollout to ${walk.target} is complete`);
  const switched = walk.clusters.flatMap((c) => c.kustomizations.filter((k) => k.folder === walk.target));
  const points = pathEdits(files, switched, () => back);
  const others = referencesTo(walk.target, model).filter((r) => !r.endsWith('spec.path)'));
  if (others.length > 0) throw new RolloutError(`${others.join(', ')} reads ${walk.target}: deleting the copy would break it; abort by hand`);
  const gone = deleteFolders(files, model.paths, [walk.target]);
  return { back, edits: [...points.edits, ...gone.edits], changes: [...points.changes, ...gone.changes] };
}

/** A cluster back on the newest older folder (its rollback after a failed switch). */
export function planClusterRollback(walk: RolloutWalk, files: readonly RepoFile[], cluster: string): { back: string; edits: FileEdit[]; changes: Change[] } {
  const entry = walk.clusters.find((c) => c.cluster === cluster);
  if (!entry) throw new RolloutError(`${cluster} applies no folder of ${walk.app}: ${walk.clusters.map((c) => c.cluster).join(', ') || 'no cluster does'}`);
  const back = walk.sources[0];
  if (!back) throw new RolloutError(`no older folder of ${walk.app} is left to point ${cluster} back to`);
  const onTarget = entry.kustomizations.filter((k) => k.folder === walk.target);
  if (onTarget.length === 0) throw new RolloutError(`${cluster} does not apply ${walk.target} yet: nothing to roll back`);
  return { back, ...pathEdits(files, onTarget, () => back) };
}
