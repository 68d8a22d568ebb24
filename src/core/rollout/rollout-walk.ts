/**
 * A rollout's state, read from Git alone: which Flux Kustomizations apply the app's older folders
 * (the sources) and which apply the copy (the target), grouped by the cluster that applies each
 * Kustomization and put in walk order. A restart or a step merged by hand is therefore picked up.
 */
import { posix } from 'node:path';
import type { CourierConfig } from '../config/index.ts';
import type { FluxKustomization, RepoModel } from '../repo-model/flux-objects.ts';
import { environmentOf, isUnder } from '../repo-model/environment-of.ts';
import { folderExists, folderVersion, versionsOf } from './app-folder.ts';
import { RolloutError } from './rollout-error.ts';

/** One Kustomization of a cluster that applies (a folder under) the app. */
export interface AppliedBy {
  file: string;
  line: number;
  name: string;
  /** `spec.path`, normalised. */
  path: string;
  /** The folder of the app it applies (a source or the target). */
  folder: string;
}

/** One cluster of the walk. */
export interface WalkCluster {
  cluster: string;
  environment: string;
  kustomizations: AppliedBy[];
  /** Every one of its Kustomizations applies the target. */
  switched: boolean;
}

/** The walk of one app from its source folders to the target folder. */
export interface RolloutWalk {
  /** The app's name without version (`podinfo`). */
  app: string;
  target: string;
  /** Older folders of the app that still exist, newest first. */
  sources: string[];
  clusters: WalkCluster[];
}

/** Which configured cluster applies a Kustomization committed in `file`: its environment's only cluster, or the one named by a path segment. */
export function clusterOf(file: string, config: CourierConfig): { cluster: string; environment: string } | undefined {
  const envName = environmentOf(file, config);
  const env = config.environments.find((e) => e.name === envName);
  if (!env || env.clusters.length === 0) return undefined;
  if (env.clusters.length === 1) return { cluster: env.clusters[0]!, environment: env.name };
  const segments = file.split('/');
  const named = env.clusters.filter((c) => segments.includes(c));
  return named.length === 1 ? { cluster: named[0]!, environment: env.name } : undefined;
}

/** Clusters in walk order: `rollout.order` first, then environment order and each environment's `clusters`. */
export function walkOrder(config: CourierConfig): string[] {
  const all = config.environments.flatMap((e) => e.clusters);
  const listed = config.rollout.order ?? [];
  return [...listed, ...all.filter((c) => !listed.includes(c))];
}

/** The folder of the app a Kustomization's path applies, among `folders`. */
function folderOf(k: FluxKustomization, folders: readonly string[]): string | undefined {
  return folders.find((f) => isUnder(k.path, f));
}

/**
 * Reads the walk from `source` folders to `target`. Throws a RolloutError for a Kustomization that
 * applies the app but that no configured cluster owns (its health could not gate the next step).
 */
export function readWalk(model: RepoModel, config: CourierConfig, target: string): RolloutWalk {
  const naming = config.rollout.naming;
  const app = folderVersion(posix.basename(target), naming).app;
  const sources = versionsOf(target, model.paths, naming)
    .filter((v) => v.folder !== target)
    .sort((a, b) => b.n - a.n)
    .map((v) => v.folder);
  const folders = [target, ...sources];
  const byCluster = new Map<string, WalkCluster>();
  const orphans: string[] = [];
  for (const k of model.kustomizations) {
    const folder = folderOf(k, folders);
    if (folder === undefined) continue;
    const owner = clusterOf(k.file, config);
    if (!owner) {
      orphans.push(`${k.file}:${k.line} (Kustomization ${k.name})`);
      continue;
    }
    let entry = byCluster.get(owner.cluster);
    if (!entry) byCluster.set(owner.cluster, (entry = { cluster: owner.cluster, environment: owner.environment, kustomizations: [], switched: true }));
    entry.kustomizations.push({ file: k.file, line: k.line, name: k.name, path: k.path, folder });
    if (folder !== target) entry.switched = false;
  }
  if (orphans.length > 0) {
    throw new RolloutError(
      `${orphans.join(', ')} applies ${app} but no configured cluster owns that file, so its health could not gate the next step: ` +
        'list its cluster in environments[].clusters and make environments[].paths cover the file (a folder named after the cluster picks the cluster of an environment with several)',
    );
  }
  const order = walkOrder(config);
  const clusters = [...byCluster.values()].sort((a, b) => order.indexOf(a.cluster) - order.indexOf(b.cluster));
  return { app, target, sources: sources.filter((s) => folderExists(s, model.paths)), clusters };
}

/** What still references a folder: Flux Kustomizations applying it, kustomize files (outside it) reading from it. */
export function referencesTo(folder: string, model: RepoModel): string[] {
  const out: string[] = [];
  for (const k of model.kustomizations) {
    if (isUnder(k.path, folder)) out.push(`${k.file}:${k.line} (Kustomization ${k.name}, spec.path)`);
    for (const c of k.components ?? []) if (isUnder(c, folder)) out.push(`${k.file}:${k.line} (Kustomization ${k.name}, spec.components)`);
  }
  for (const f of model.kustomizeFiles) {
    if (isUnder(f.file, folder)) continue;
    const hit = [...f.references, ...(f.inputs ?? [])].find((r) => isUnder(r, folder));
    if (hit !== undefined) out.push(`${f.file} (${hit})`);
  }
  return out;
}

/**
 * The rollouts in progress, read from the tree: every folder Flux applies (or a folder above one)
 * that has an existing sibling of the same app, named by its newest version (the target). A copy
 * made by hand and merged starts a walk the same way as one Courier staged.
 */
export function findRollouts(model: RepoModel, config: CourierConfig): string[] {
  const naming = config.rollout.naming;
  const targets = new Set<string>();
  const seen = new Set<string>();
  for (const k of model.kustomizations) {
    for (let f = k.path; f; f = posix.dirname(f) === '.' ? '' : posix.dirname(f)) {
      if (seen.has(f)) continue;
      seen.add(f);
      const versions = versionsOf(f, model.paths, naming);
      if (versions.length >= 2) targets.add(versions[versions.length - 1]!.folder);
    }
  }
  return [...targets].sort();
}
