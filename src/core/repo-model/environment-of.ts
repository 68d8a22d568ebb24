/**
 * Which environment a file belongs to. Config globs decide first; a file outside every glob (a shared
 * `apps/foo/` folder) belongs to the environments of the Flux Kustomizations whose `spec.path` holds it.
 */
import picomatch from 'picomatch';
import type { CourierConfig } from '../config/index.ts';
import type { FluxKustomization, RepoModel } from './flux-objects.ts';

type Matcher = (path: string) => boolean;
const matchers = new WeakMap<CourierConfig['environments'], Array<{ name: string; match: Matcher }>>();

function compiled(config: CourierConfig): Array<{ name: string; match: Matcher }> {
  let list = matchers.get(config.environments);
  if (!list) {
    list = config.environments.map((env) => ({ name: env.name, match: picomatch(env.paths, { dot: true }) }));
    matchers.set(config.environments, list);
  }
  return list;
}

/** The first environment (promotion order) whose `paths` globs match the file, or undefined. */
export function environmentOf(path: string, config: CourierConfig): string | undefined {
  return compiled(config).find((env) => env.match(path))?.name;
}

/** True when a repo-relative file or folder lies inside a Kustomization's `spec.path`. */
export function isUnder(path: string, folder: string): boolean {
  return folder === '' || path === folder || path.startsWith(`${folder}/`);
}

/** The Kustomizations whose `spec.path` holds the file or folder. */
export function kustomizationsHolding(path: string, model: RepoModel): FluxKustomization[] {
  return model.kustomizations.filter((k) => isUnder(path, k.path));
}

/** A file's environment, or the environments sharing it (in promotion order); both undefined when unknown. */
export interface Membership {
  env?: string;
  sharedBy?: string[];
}

/**
 * Environment membership: by config globs; otherwise through the Flux Kustomizations whose
 * `spec.path` holds the file, following chains of Kustomizations (a cluster's sync Kustomization
 * applying an `apps/` Kustomization) and Kustomize `resources`/`components` (a `base/` shared by
 * overlays). One environment → `env`; several (or some referrers in no known environment) → `sharedBy`.
 */
export function membership(path: string, model: RepoModel, config: CourierConfig): Membership {
  // A plan asks once per file and release, and again per substitute: remember answers per model and config.
  let byConfig = memberships.get(model);
  if (!byConfig) memberships.set(model, (byConfig = new WeakMap()));
  let byPath = byConfig.get(config);
  if (!byPath) byConfig.set(config, (byPath = new Map()));
  let found = byPath.get(path);
  if (!found) byPath.set(path, (found = computeMembership(path, model, config)));
  return found;
}

const memberships = new WeakMap<RepoModel, WeakMap<CourierConfig, Map<string, Readonly<Membership>>>>();

function computeMembership(path: string, model: RepoModel, config: CourierConfig): Membership {
  const envs = new Set<string>();
  const unknown = collect(path, model, config, envs, new Set());
  if (envs.size === 0) return {};
  const order = config.environments.map((e) => e.name).filter((name) => envs.has(name));
  return envs.size === 1 && !unknown ? { env: order[0]! } : { sharedBy: order };
}

/** Adds the environments reaching `path` to `envs`; returns true when some referrer belongs to none. */
function collect(path: string, model: RepoModel, config: CourierConfig, envs: Set<string>, seen: Set<string>): boolean {
  const direct = environmentOf(path, config);
  if (direct !== undefined) {
    envs.add(direct);
    return false;
  }
  if (seen.has(path)) return false;
  seen.add(path);
  // A Kustomization applying its own folder (e.g. flux-system at the root) says nothing about the file.
  const referrers = new Set([
    ...kustomizationsHolding(path, model).map((k) => k.file),
    ...model.kustomizeFiles.filter((k) => k.references.some((ref) => isUnder(path, ref))).map((k) => k.file),
  ]);
  referrers.delete(path);
  if (referrers.size === 0) return true;
  let unknown = false;
  for (const file of referrers) {
    const before = envs.size;
    const none = collect(file, model, config, envs, seen);
    if (none && envs.size === before) unknown = true;
  }
  return unknown;
}
