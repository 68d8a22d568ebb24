/**
 * App folders and their versioned copies: `apps/podinfo` → `apps/podinfo-v2` → `apps/podinfo-v3`,
 * named by `rollout.naming` (`{app}-v{n}`). A folder's app is its name without the version, so the
 * copies of one app are the siblings whose names parse to the same app.
 */
import { posix } from 'node:path';
import type { RepoModel } from '../repo-model/flux-objects.ts';
import { RolloutError } from './rollout-error.ts';

/** A folder's name read through the naming pattern: the app, and its version (1 for an unversioned folder). */
export interface FolderVersion {
  app: string;
  n: number;
}

const patterns = new Map<string, RegExp>();
function patternOf(naming: string): RegExp {
  let re = patterns.get(naming);
  if (!re) {
    // The schema allows only [a-z0-9._-] besides the two placeholders: escaping `.` is enough.
    const source = naming.replace(/\./g, '\\.').replace('{app}', '(.+?)').replace('{n}', '([1-9][0-9]{0,5})');
    patterns.set(naming, (re = new RegExp(`^${source}$`)));
  }
  return re;
}

/** Reads a folder's base name (`podinfo-v2` → podinfo, 2; `podinfo` → podinfo, 1). */
export function folderVersion(name: string, naming: string): FolderVersion {
  const m = patternOf(naming).exec(name);
  return m ? { app: m[1]!, n: Number(m[2]) } : { app: name, n: 1 };
}

/** The name of version `n` of `app`. */
export function versionedName(app: string, n: number, naming: string): string {
  return naming.replace('{app}', app).replace('{n}', String(n));
}

const parentOf = (folder: string): string => (posix.dirname(folder) === '.' ? '' : posix.dirname(folder));
const join = (parent: string, name: string): string => (parent ? `${parent}/${name}` : name);

/** True when some path lies inside the folder. */
export function folderExists(folder: string, paths: readonly string[]): boolean {
  return paths.some((p) => p.startsWith(`${folder}/`));
}

/** Every existing folder of the same app beside `folder` (itself included), by version. */
export function versionsOf(folder: string, paths: readonly string[], naming: string): Array<{ folder: string; n: number }> {
  const parent = parentOf(folder);
  const { app } = folderVersion(posix.basename(folder), naming);
  const prefix = parent ? `${parent}/` : '';
  const names = new Set<string>();
  for (const p of paths) {
    if (!p.startsWith(prefix)) continue;
    const rest = p.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash > 0) names.add(rest.slice(0, slash));
  }
  return [...names]
    .map((name) => ({ name, v: folderVersion(name, naming) }))
    .filter(({ v }) => v.app === app)
    .map(({ name, v }) => ({ folder: join(parent, name), n: v.n }))
    .sort((a, b) => a.n - b.n);
}

/** The folder of the next copy of `folder`'s app: one version above every existing one (2 at least). */
export function nextCopyFolder(folder: string, paths: readonly string[], naming: string): string {
  const { app } = folderVersion(posix.basename(folder), naming);
  const top = Math.max(1, ...versionsOf(folder, paths, naming).map((v) => v.n));
  return join(parentOf(folder), versionedName(app, top + 1, naming));
}

/** Folders Flux applies: every Kustomization's `spec.path` and the folders above it (repository root excluded). */
function appliedFolders(model: RepoModel): Set<string> {
  const out = new Set<string>();
  for (const k of model.kustomizations) {
    for (let f = k.path; f; f = parentOf(f)) out.add(f);
  }
  return out;
}

/**
 * The folder `--app` names: a repo-relative folder (`apps/podinfo`) as given, or an app name
 * (`podinfo`) — the applied folder with that name, or whose versioned name reads as that app.
 */
export function findAppFolder(model: RepoModel, app: string, naming: string): string {
  const clean = app.replace(/^\.\//, '').replace(/\/+$/, '');
  if (clean.includes('/')) {
    if (!folderExists(clean, model.paths)) throw new RolloutError(`${clean} is not a folder of this repository`);
    return clean;
  }
  const applied = [...appliedFolders(model)];
  const exact = applied.filter((f) => posix.basename(f) === clean);
  const byApp = exact.length > 0 ? exact : applied.filter((f) => folderVersion(posix.basename(f), naming).app === clean);
  const parents = [...new Set(byApp.map((f) => join(parentOf(f), folderVersion(posix.basename(f), naming).app)))];
  if (parents.length === 0) {
    throw new RolloutError(`no Flux Kustomization applies a folder named ${clean}: pass --app the folder (e.g. apps/${clean}) or an app whose folder a Kustomization's spec.path names`);
  }
  if (parents.length > 1) throw new RolloutError(`"${clean}" names several folders (${parents.join(', ')}): pass the folder itself, e.g. --app ${parents[0]}`);
  const versions = versionsOf(parents[0]!, model.paths, naming);
  return versions.find((v) => v.folder === parents[0]) ? parents[0]! : (exact[0] ?? byApp[0]!);
}
