/**
 * Which files of the repository a cluster deploys: the files Flux Kustomizations apply, directly (a
 * `spec.path` without kustomization file applies every manifest under it, as kustomize-controller
 * generates one) or through kustomize (`resources`, `components`, patch and generator files), minus
 * what the GitRepository's `spec.ignore` excludes from the artifact.
 *
 * Courier only calls a file undeployed when it can see every way in: the answer is "cannot tell" when
 * no Flux Kustomization is committed, or when one reads a source whose content is built elsewhere
 * (OCIRepository, ExternalArtifact, Bucket: its paths are relative to an artifact Courier never sees).
 * What a GitRepository leaves out is judged as source-controller judges it (`flux-source-ignore.ts`:
 * go-git's rules, `.sourceignore` files, `spec.ignore`, Flux's defaults), not with git's own rules.
 * Known limits (documented, on the safe side — they make more files count as deployed):
 * Kustomizations that read another Git repository are treated as if they read this one. Without a self-managing sync
 * Kustomization (flux bootstrap's `flux-system`, whose path holds its own file) the answer is "cannot
 * tell": whatever applies the committed Kustomizations (a FluxInstance, a bootstrap outside the
 * repository) may apply their sibling files too.
 */
import { posix } from 'node:path';
import type { FluxKustomization, RepoModel } from './flux-objects.ts';
import { isKustomizeFileName } from './read-kustomize-file.ts';
import { isUnder } from './environment-of.ts';
import { fluxSourceIgnore } from './flux-source-ignore.ts';

/** The deployed files, or why Courier cannot tell. */
export type Deployment = { known: true; deployed: ReadonlySet<string> } | { known: false; why: string };

const MANIFEST = /\.(?:ya?ml|json)$/i;

/** Computes the files the repository's Flux Kustomizations apply. */
export function deployedFiles(model: RepoModel): Deployment {
  const { kustomizations } = model;
  if (kustomizations.length === 0) return { known: false, why: 'the repository holds no Flux Kustomization' };
  const opaque = kustomizations.find((k) => k.sourceRef && k.sourceRef.kind !== 'GitRepository');
  if (opaque) {
    return {
      known: false,
      why: `Flux Kustomization ${opaque.name} (${opaque.file}) reads ${opaque.sourceRef!.kind} ${opaque.sourceRef!.name}, whose content is built outside this repository`,
    };
  }
  const files = new Set(model.paths);
  const kustomizeFiles = new Map(model.kustomizeFiles.map((k) => [k.file, k]));
  const folders = folderIndex(model.paths);
  const ignored = ignoreRules(model);
  const reach = (k: FluxKustomization): Set<string> => {
    const out = new Set<string>();
    const seen = new Set<string>();
    for (const folder of [k.path, ...(k.components ?? [])]) applyFolder(folder, out, seen);
    const rules = ignored(k);
    for (const f of [...out]) if (rules(f)) out.delete(f);
    return out;
  };

  function applyFolder(folder: string, out: Set<string>, seen: Set<string>): void {
    if (seen.has(folder)) return;
    seen.add(folder);
    const own = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((n) => (folder ? `${folder}/${n}` : n)).find((f) => files.has(f));
    if (own) {
      out.add(own);
      const read = kustomizeFiles.get(own);
      for (const ref of [...(read?.references ?? []), ...(read?.inputs ?? [])]) {
        if (files.has(ref)) out.add(ref);
        else applyFolder(ref, out, seen);
      }
      return;
    }
    // No kustomization file: Flux generates one from every manifest below, and a sub-folder with its own
    // kustomization file is built as a kustomize root of its own.
    for (const file of folders.filesUnder(folder)) {
      const sub = folders.kustomizeRootAbove(file, folder);
      if (sub !== undefined) applyFolder(sub, out, seen);
      else if (MANIFEST.test(file)) out.add(file);
    }
  }

  const byFile = new Map<string, FluxKustomization[]>();
  for (const k of kustomizations) byFile.set(k.file, [...(byFile.get(k.file) ?? []), k]);
  const reaches = new Map(kustomizations.map((k) => [k, reach(k)]));
  const selfManaging = kustomizations.filter((k) => reaches.get(k)!.has(k.file));
  if (selfManaging.length === 0) {
    return {
      known: false,
      why: 'no committed Flux Kustomization applies its own file (a flux bootstrap sync), so what applies the committed ones, and which folders it applies, is outside this repository',
    };
  }
  const live = new Set(selfManaging);
  const deployed = new Set<string>();
  const queue = [...live];
  while (queue.length > 0) {
    const k = queue.pop()!;
    for (const file of reaches.get(k)!) {
      if (deployed.has(file)) continue;
      deployed.add(file);
      for (const next of byFile.get(file) ?? []) {
        if (!live.has(next)) {
          live.add(next);
          queue.push(next);
        }
      }
    }
  }
  // A HelmRelease chart taken from a Git source is a folder of this repository that Helm reads whole.
  for (const release of model.helmReleases) {
    const chart = release.chart;
    if (!chart?.chart || chart.sourceRef?.kind !== 'GitRepository' || !deployed.has(release.file)) continue;
    const folder = posix.normalize(chart.chart).replace(/^\.\/?|\/+$/g, '');
    for (const file of folders.filesUnder(folder)) deployed.add(file);
  }
  return { known: true, deployed };
}

/** Files by folder, and the nearest kustomize root between a file and a folder. */
function folderIndex(paths: readonly string[]): { filesUnder(folder: string): string[]; kustomizeRootAbove(file: string, top: string): string | undefined } {
  const roots = new Set(paths.filter((p) => isKustomizeFileName(p)).map((p) => posix.dirname(p)).map((d) => (d === '.' ? '' : d)));
  return {
    filesUnder: (folder) => paths.filter((p) => isUnder(p, folder) && p !== folder),
    kustomizeRootAbove(file, top) {
      // The outermost folder strictly below `top` that holds a kustomization file.
      const parts = file.split('/').slice(0, -1);
      const start = top === '' ? 0 : top.split('/').length;
      for (let i = start + 1; i <= parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        if (roots.has(dir)) return dir;
      }
      return undefined;
    },
  };
}

/** For each Kustomization, a test for files its GitRepository's artifact leaves out (`.sourceignore`, `spec.ignore`, defaults). */
function ignoreRules(model: RepoModel): (k: FluxKustomization) => (file: string) => boolean {
  const cache = new Map<string, (file: string) => boolean>();
  return (k) => {
    const repo = model.sources.find((s) => s.kind === 'GitRepository' && s.name === k.sourceRef?.name && (k.sourceRef?.namespace === undefined || s.namespace === k.sourceRef.namespace));
    const key = repo ? `${repo.file}#${repo.name}` : '';
    let test = cache.get(key);
    if (!test) {
      const ignored = fluxSourceIgnore({ ...(repo?.ignore !== undefined ? { specIgnore: repo.ignore } : {}), sourceIgnores: model.sourceIgnores });
      test = (file) => ignored(file);
      cache.set(key, test);
    }
    return test;
  };
}
