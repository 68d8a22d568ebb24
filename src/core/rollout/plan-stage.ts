/**
 * The stage: a change to a shared app folder becomes a copy. The folder's version from the change
 * (a pull request's head, or `--from-ref`) is written to a new sibling (`apps/<app>-v<N>`), and the
 * folder itself keeps its base version, so merging the stage changes what no cluster applies. A
 * sibling at the same depth keeps relative references that leave the folder valid; the stage refuses
 * a folder it cannot copy safely (something outside includes it by path, a reference from inside
 * points back into it, or the copy would not build on its own).
 */
import { posix } from 'node:path';
import type { CourierConfig } from '../config/index.ts';
import type { Change } from '../proposal/change.ts';
import type { FileEdit } from '../proposal/proposal.ts';
import { buildRepoModel } from '../repo-model/build-repo-model.ts';
import { isUnder } from '../repo-model/environment-of.ts';
import type { RepoModel } from '../repo-model/flux-objects.ts';
import type { RepoFile } from '../repo-model/repo-file.ts';
import { findAppFolder, folderVersion, nextCopyFolder, versionsOf } from './app-folder.ts';
import { folderProblems } from './folder-problems.ts';
import { RolloutError } from './rollout-error.ts';
import { readWalk, referencesTo, type RolloutWalk } from './rollout-walk.ts';

/** One side of the stage: every text file of a commit, and every path of its tree (binary files included). */
export interface TreeSide {
  files: readonly RepoFile[];
  paths: readonly string[];
}

/** Input of planStage. */
export interface StageInput {
  config: CourierConfig;
  /** The base branch (the App) or HEAD (the CLI). */
  base: TreeSide;
  /** The change: the pull request's head, or `--from-ref`. */
  head: TreeSide;
  /** The app (`podinfo`) or folder (`apps/podinfo`) to stage; found from the change when absent. */
  app?: string;
}

/** The planned stage. */
export interface StagePlan {
  app: string;
  /** The shared folder the change edited (left as on the base). */
  folder: string;
  /** The new sibling holding the change. */
  copy: string;
  /** The copy's files, created from the change's version of the folder. */
  copyEdits: FileEdit[];
  /** The folder's files put back as on the base (empty when the head is the base, as in the CLI). */
  revertEdits: FileEdit[];
  changes: Change[];
  /** The walk that follows, read from the tree after the stage (every cluster still on the old folder). */
  walk: RolloutWalk;
}

/** Folders Flux applies that hold no Flux Kustomization themselves (app folders, not a cluster's sync folder). */
function appFolders(model: RepoModel): string[] {
  const folders = new Set(model.kustomizations.map((k) => k.path).filter((p) => p !== ''));
  return [...folders].filter((f) => !model.kustomizations.some((k) => isUnder(k.file, f)));
}

/** Paths whose text differs between the sides (added, deleted or edited), binary paths by presence. */
function changedPaths(base: TreeSide, head: TreeSide): string[] {
  const a = new Map(base.files.map((f) => [f.path, f.text]));
  const b = new Map(head.files.map((f) => [f.path, f.text]));
  const all = new Set([...base.paths, ...head.paths, ...a.keys(), ...b.keys()]);
  return [...all].filter((p) => a.get(p) !== b.get(p) || base.paths.includes(p) !== head.paths.includes(p)).sort();
}

/** Plans the stage; throws a RolloutError saying why when it cannot be done safely. */
export function planStage(input: StageInput): StagePlan {
  const { config, base, head } = input;
  const naming = config.rollout.naming;
  const baseModel = buildRepoModel(base.files);
  baseModel.paths = [...new Set([...baseModel.paths, ...base.paths])];
  const changed = changedPaths(base, head);
  let folder: string;
  if (input.app) {
    folder = findAppFolder(baseModel, input.app, naming);
  } else {
    const touched = appFolders(baseModel).filter((f) => changed.some((p) => isUnder(p, f)));
    if (touched.length === 0) {
      throw new RolloutError(`the change edits no folder a Flux Kustomization applies (changed: ${changed.slice(0, 5).join(', ') || 'nothing'}): nothing to stage`);
    }
    const deepest = touched.filter((f) => !touched.some((g) => g !== f && isUnder(g, f)));
    if (deepest.length > 1) throw new RolloutError(`the change edits several app folders (${deepest.join(', ')}): stage one at a time by naming it (\`/courier stage <app>\` or --app)`);
    folder = deepest[0]!;
  }
  const inFolder = changed.filter((p) => isUnder(p, folder));
  if (inFolder.length === 0) {
    const staged = changed.filter((p) => versionsOf(folder, [...base.paths, ...head.paths], naming).some((v) => v.folder !== folder && isUnder(p, v.folder)));
    throw new RolloutError(staged.length > 0 ? `already staged: the change leaves ${folder} as it is and adds ${staged[0]!.split('/').slice(0, -1).join('/')}` : `the change edits nothing in ${folder}: nothing to stage`);
  }
  const copy = nextCopyFolder(folder, [...new Set([...base.paths, ...head.paths])], naming);
  const headText = new Map(head.files.map((f) => [f.path, f.text]));
  const baseText = new Map(base.files.map((f) => [f.path, f.text]));
  const headFolder = head.paths.filter((p) => isUnder(p, folder)).sort();
  const binary = headFolder.filter((p) => !headText.has(p));
  if (binary.length > 0) throw new RolloutError(`${binary[0]} in ${folder} could not be read as text (binary, a symlink or too large): copy the folder by hand and merge the copy, then the walk starts from it`);
  if (headFolder.length === 0) throw new RolloutError(`the change deletes ${folder}: there is nothing to copy`);

  const copyPath = (p: string): string => `${copy}${p.slice(folder.length)}`;
  const copyEdits: FileEdit[] = headFolder.map((p) => ({ path: copyPath(p), before: null, after: headText.get(p)! }));
  const revertEdits: FileEdit[] = inFolder.map((p) => ({ path: p, before: headText.get(p) ?? null, after: baseText.get(p) ?? null })).filter((e) => e.before !== e.after);

  // The tree after the stage, as the walk and the safety checks see it.
  const after = new Map(baseText);
  for (const e of copyEdits) after.set(e.path, e.after!);
  const afterFiles = [...after].map(([path, text]) => ({ path, text }));
  const afterModel = buildRepoModel(afterFiles);
  const afterPaths = new Set([...base.paths, ...copyEdits.map((e) => e.path)]);
  afterModel.paths = [...afterPaths];

  const problems: string[] = [];
  // Whatever includes the folder by path (other than the Kustomizations the walk switches) keeps applying the old folder.
  for (const ref of referencesTo(folder, afterModel)) if (!ref.endsWith('spec.path)')) problems.push(`${ref} includes ${folder} by path and would keep applying the old folder; point it at the app's Flux Kustomization instead, or roll this change out by hand`);
  problems.push(...folderProblems(copy, afterModel, folder));
  if (problems.length > 0) throw new RolloutError(`cannot stage ${folder} safely, nothing was changed:\n  ${problems.join('\n  ')}`);

  const walk = readWalk(afterModel, config, copy);
  if (walk.clusters.length === 0) throw new RolloutError(`no configured cluster applies ${folder}: there is nothing to roll out one cluster at a time`);
  const changes: Change[] = copyEdits.map((e) => ({ file: e.path, line: 0, object: null, field: '', old: '', new: posix.basename(e.path), reason: 'rollout-copy' }));
  for (const e of revertEdits) changes.push({ file: e.path, line: 0, object: null, field: '', old: '', new: '', reason: 'rollout-keep-base' });
  return { app: folderVersion(posix.basename(folder), naming).app, folder, copy, copyEdits, revertEdits, changes, walk };
}
