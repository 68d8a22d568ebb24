/**
 * Opt-in folder promotion (`promotion.folders` in config): a component folder of environment *k* is
 * carried to its counterpart in *k+1* file by file — changed and new files copied, files gone from *k*
 * deleted — while per-environment files (the `exclude` globs: SOPS-encrypted files and `*-patch`
 * files by default) stay as they are on both sides. Never a blind tree copy, and never an
 * environment's own overlay root (that would overwrite everything that makes *k+1* itself). Pure.
 */
import { posix } from 'node:path';
import picomatch from 'picomatch';
import type { CourierConfig } from '../config/index.ts';
import type { Warning } from '../proposal/change.ts';
import type { FileEdit } from '../proposal/proposal.ts';
import { environmentOf, isUnder } from '../repo-model/environment-of.ts';
import type { RepoFile } from '../repo-model/repo-file.ts';

/** One file a sync writes. */
export interface SyncedFile {
  path: string;
  action: 'create' | 'update' | 'delete';
  /** The file of environment *k* it comes from (for a deletion: the one that is gone). */
  source: string;
}

/** What syncing the folders of one step does. */
export interface FolderSyncResult {
  edits: FileEdit[];
  files: SyncedFile[];
  warnings: Warning[];
}

/** True when `folder` is what an environment's `paths` glob covers as a whole (`overlays/prod` for `overlays/prod/**`). */
function environmentRoot(folder: string, config: CourierConfig): string | undefined {
  for (const env of config.environments) {
    for (const glob of env.paths) {
      const root = glob.replace(/\/\*\*$/, '');
      if (root !== glob && picomatch(root, { dot: true })(folder)) return env.name;
    }
  }
  return undefined;
}

/** Syncs every configured folder pair that goes from `from` to `to`; `files` are the repository's text files. */
export function syncFolders(files: readonly RepoFile[], config: CourierConfig, from: string, to: string): FolderSyncResult {
  const result: FolderSyncResult = { edits: [], files: [], warnings: [] };
  const texts = new Map(files.map((f) => [f.path, f.text]));
  config.promotion.folders.forEach((pair, i) => {
    const where = `promotion.folders[${i}]`;
    const refuse = (why: string): void => {
      result.warnings.push({ code: 'folder-sync-refused', message: `${where} (${pair.from} → ${pair.to}) is not synced: ${why}. Fix it in .github/courier.yml.` });
    };
    // Which environments the pair joins, judged by a file inside each folder.
    const fromEnv = environmentOf(`${pair.from}/kustomization.yaml`, config);
    const toEnv = environmentOf(`${pair.to}/kustomization.yaml`, config);
    if (fromEnv === undefined || toEnv === undefined) {
      refuse(`${fromEnv === undefined ? pair.from : pair.to} belongs to no environment`);
      return;
    }
    if (fromEnv !== from || toEnv !== to) return; // another step's pair
    for (const folder of [pair.from, pair.to]) {
      const root = environmentRoot(folder, config);
      if (root !== undefined) return refuse(`${folder} is the root of environment ${root}; name a component folder inside it`);
    }
    if (isUnder(pair.to, pair.from) || isUnder(pair.from, pair.to)) return refuse('one folder holds the other');
    const excluded = picomatch(pair.exclude, { dot: true, basename: true });
    const relative = (path: string, folder: string): string => posix.relative(folder, path);
    const source = new Map<string, string>();
    const target = new Map<string, string>();
    for (const [path, text] of texts) {
      if (isUnder(path, pair.from) && path !== pair.from) {
        const rel = relative(path, pair.from);
        if (!excluded(rel)) source.set(rel, text);
      } else if (isUnder(path, pair.to) && path !== pair.to) {
        const rel = relative(path, pair.to);
        if (!excluded(rel)) target.set(rel, text);
      }
    }
    for (const [rel, text] of source) {
      const path = `${pair.to}/${rel}`;
      const before = target.get(rel);
      if (before === text) continue;
      result.edits.push({ path, before: before ?? null, after: text });
      result.files.push({ path, action: before === undefined ? 'create' : 'update', source: `${pair.from}/${rel}` });
    }
    for (const [rel, before] of target) {
      if (source.has(rel)) continue;
      const path = `${pair.to}/${rel}`;
      result.edits.push({ path, before, after: null });
      result.files.push({ path, action: 'delete', source: `${pair.from}/${rel}` });
    }
  });
  const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  result.edits.sort(byPath);
  result.files.sort(byPath);
  return result;
}
