/**
 * Builds the repository model: the Flux objects committed in a GitOps repository. Files are screened
 * by a cheap text test before any YAML parse (most files of a fleet are plain workloads), and a file
 * that does not parse becomes a warning with file and line, never an exception.
 */
import { posix } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type YAMLMap } from 'yaml';
import type { ImagePolicySpec } from '../policies/tag-policy.ts';
import type { RepoFile } from './repo-file.ts';
import type { Warning } from '../proposal/change.ts';
import {
  DEFAULT_NAMESPACE,
  type FluxHelmRelease,
  type FluxImagePolicy,
  type FluxImageRepository,
  type FluxKustomization,
  type KustomizeFile,
  type LocatedValue,
  type RepoModel,
} from './flux-objects.ts';
import { isKustomizeFileName, readKustomizeFile } from './read-kustomize-file.ts';

const YAML_FILE = /\.ya?ml$/i;
const FLUX_KIND = /^[ \t]*["']?kind["']?[ \t]*:[ \t]*["']?(?:Kustomization|HelmRelease|ImagePolicy|ImageRepository|GitRepository|OCIRepository|Bucket|ExternalArtifact)\b/m;
const FLUX_KINDS = /^[ \t]*["']?kind["']?[ \t]*:[ \t]*["']?(Kustomization|HelmRelease|ImagePolicy|ImageRepository)\b/gm;

/** A `.sourceignore` file: source-controller reads its patterns, scoped to its folder. */
export function isSourceIgnoreFile(path: string): boolean {
  return posix.basename(path) === '.sourceignore';
}

/** Text every Flux object Courier models holds (its apiVersion's group); what mayHoldFluxObject looks for first. */
export const FLUX_API_MARK = '.toolkit.fluxcd.io/';

/** True when a file may hold a Flux object Courier models (cheap text screen, no parse). */
export function mayHoldFluxObject(file: RepoFile): boolean {
  return YAML_FILE.test(file.path) && file.text.includes(FLUX_API_MARK) && FLUX_KIND.test(file.text);
}

/** Where parsed objects go: the model itself, or the deferred HelmRelease list. */
type Sink = Pick<RepoModel, 'kustomizations' | 'helmReleases' | 'imagePolicies' | 'imageRepositories' | 'sources' | 'warnings'>;

/** True when every Flux kind the file names is HelmRelease (so it can be parsed on demand). */
function onlyHelmReleases(text: string): boolean {
  for (const match of text.matchAll(FLUX_KINDS)) if (match[1] !== 'HelmRelease') return false;
  return true;
}

/**
 * Reads every Flux Kustomization, HelmRelease, ImagePolicy and ImageRepository from the files, and
 * the local references of Kustomize kustomization files. Files naming no Flux kind but HelmRelease
 * are parsed when `helmReleases` is first read (an image plan never needs them; a 10,000-file fleet
 * has ~1,000 of them); their parse warnings join `warnings` at that moment. Likewise kustomization
 * files are read when `kustomizeFiles` is first read (only membership of a file outside every
 * environment glob needs them), unless they may also hold Flux objects. `paths`, when given, is every
 * path of the repository (a caller that loaded only the files a plan can use still knows the others:
 * which files a folder holds decides what Flux applies); else the files' own paths.
 */
export function buildRepoModel(files: readonly RepoFile[], paths?: readonly string[]): RepoModel {
  const eagerHelm: FluxHelmRelease[] = [];
  const deferred: RepoFile[] = [];
  const order = new Map<string, number>();
  /** Kustomization files in input order: read already, or to read on first use. */
  const kustomize: Array<KustomizeFile | RepoFile> = [];
  const model = { paths: [], kustomizations: [], imagePolicies: [], imageRepositories: [], sources: [], sourceIgnores: [], warnings: [] } as Omit<RepoModel, 'helmReleases' | 'kustomizeFiles'> as RepoModel;
  const sink: Sink = {
    kustomizations: model.kustomizations,
    imagePolicies: model.imagePolicies,
    imageRepositories: model.imageRepositories,
    sources: model.sources,
    helmReleases: eagerHelm,
    warnings: model.warnings,
  };
  if (paths) model.paths.push(...paths);
  files.forEach((file, i) => {
    if (!paths) model.paths.push(file.path);
    if (isSourceIgnoreFile(file.path)) {
      const dir = posix.dirname(file.path);
      model.sourceIgnores.push({ dir: dir === '.' ? '' : dir, text: file.text });
      return;
    }
    const flux = mayHoldFluxObject(file);
    if (isKustomizeFileName(file.path)) {
      if (!flux) {
        kustomize.push(file);
        return;
      }
      const before = model.warnings.length;
      const read = readKustomizeFile(file, model.warnings);
      if (read) kustomize.push(read);
      if (model.warnings.length !== before) return; // a broken file is reported once, not twice
    } else if (!flux) {
      return;
    }
    order.set(file.path, i);
    if (onlyHelmReleases(file.text)) deferred.push(file);
    else readFile(file, sink);
  });
  defineLazy(model, 'helmReleases', () => {
    const late: Sink = { kustomizations: [], imagePolicies: [], imageRepositories: [], sources: [], helmReleases: [...eagerHelm], warnings: model.warnings };
    for (const file of deferred) readFile(file, late);
    return late.helmReleases.sort((a, b) => order.get(a.file)! - order.get(b.file)! || a.line - b.line);
  });
  defineLazy(model, 'kustomizeFiles', () =>
    kustomize.flatMap((k) => {
      const read = 'references' in k ? k : readKustomizeFile(k, model.warnings);
      return read ? [read] : [];
    }),
  );
  return model;
}

/** Makes `model[key]` computed on its first read. */
function defineLazy<K extends 'helmReleases' | 'kustomizeFiles'>(model: RepoModel, key: K, compute: () => RepoModel[K]): void {
  let value: RepoModel[K] | undefined;
  Object.defineProperty(model, key, { enumerable: true, get: () => (value ??= compute()) });
}

function readFile(file: RepoFile, model: Sink): void {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(file.text, { lineCounter, prettyErrors: false });
  if (!Array.isArray(docs)) return; // an empty stream
  for (const doc of docs) {
    const lineAt = (node: Node | null | undefined, fallback = 1): number =>
      node?.range ? lineCounter.linePos(node.range[0]).line : fallback;
    if (doc.errors.length > 0) {
      const err = doc.errors[0]!;
      const line = err.linePos?.[0]?.line ?? lineCounter.linePos(err.pos[0]).line;
      model.warnings.push({
        code: 'yaml-parse-error',
        file: file.path,
        line,
        message: `${file.path}:${line}: not valid YAML, this document is skipped: ${err.message.split('\n')[0]}`,
      });
      continue;
    }
    if (!isMap(doc.contents)) continue;
    const ctx = new DocReader(file.path, doc, lineAt, model.warnings);
    ctx.read(model);
  }
}

/** Reads one YAML document; helpers return undefined for absent or wrongly typed fields. */
class DocReader {
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lineAt: (node: Node | null | undefined, fallback?: number) => number,
    readonly warnings: Warning[],
  ) {}

  /** The node at a path; an alias (`*app`) reads as its anchored node, as YAML defines it. */
  node(path: readonly string[]): Node | undefined {
    const n = this.doc.getIn(path, true) as Node | undefined;
    return this.resolve(n);
  }

  resolve(n: unknown): Node | undefined {
    if (isAlias(n)) return (n.resolve(this.doc) as Node | undefined) ?? undefined;
    return (n as Node | null | undefined) ?? undefined;
  }

  str(path: readonly string[]): string | undefined {
    const n = this.node(path);
    return isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number') ? String(n.value) : undefined;
  }

  strings(path: readonly string[]): string[] | undefined {
    const n = this.node(path);
    if (!isSeq(n)) return undefined;
    return n.items.flatMap((i) => (isScalar(i) && typeof i.value === 'string' ? [i.value] : []));
  }

  ref(path: readonly string[]): { kind: string; name: string; namespace?: string } | undefined {
    const name = this.str([...path, 'name']);
    if (name === undefined) return undefined;
    const namespace = this.str([...path, 'namespace']);
    return { kind: this.str([...path, 'kind']) ?? '', name, ...(namespace === undefined ? {} : { namespace }) };
  }

  warn(code: string, message: string, node?: Node): void {
    const line = this.lineAt(node ?? (this.doc.contents as Node));
    this.warnings.push({ code, file: this.file, line, message: `${this.file}:${line}: ${message}` });
  }

  read(model: Sink): void {
    const apiVersion = this.str(['apiVersion']) ?? '';
    const kind = this.str(['kind']);
    const group = apiVersion.split('/')[0];
    const name = this.str(['metadata', 'name']);
    if (!kind || !group?.endsWith('.toolkit.fluxcd.io')) return;
    if (group === 'source.toolkit.fluxcd.io' && name !== undefined) {
      const namespace = this.str(['metadata', 'namespace']);
      const ignore = kind === 'GitRepository' ? this.str(['spec', 'ignore']) : undefined;
      const where = { file: this.file, line: this.lineAt(this.doc.contents as Node), apiVersion, name, ...(namespace === undefined ? {} : { namespace }) };
      model.sources.push({ ...where, kind, ...(ignore === undefined ? {} : { ignore }) });
      return;
    }
    const known =
      (kind === 'Kustomization' && group === 'kustomize.toolkit.fluxcd.io') ||
      (kind === 'HelmRelease' && group === 'helm.toolkit.fluxcd.io') ||
      ((kind === 'ImagePolicy' || kind === 'ImageRepository') && group === 'image.toolkit.fluxcd.io');
    if (!known) return;
    if (name === undefined) {
      this.warn('flux-object-invalid', `${kind} without metadata.name, ignored`);
      return;
    }
    const namespace = this.str(['metadata', 'namespace']);
    const base = { file: this.file, line: this.lineAt(this.doc.contents as Node), apiVersion, name, ...(namespace === undefined ? {} : { namespace }) };
    if (kind === 'Kustomization') model.kustomizations.push(this.kustomization(base));
    else if (kind === 'HelmRelease') model.helmReleases.push(this.helmRelease(base));
    else if (kind === 'ImageRepository') this.imageRepository(base, model);
    else this.imagePolicy(base, model);
  }

  kustomization(base: Omit<FluxKustomization, 'path' | 'substitute' | 'images' | 'sourceRef'>): FluxKustomization {
    const substitute = new Map<string, LocatedValue>();
    const subs = this.node(['spec', 'postBuild', 'substitute']);
    if (isMap(subs)) {
      for (const pair of (subs as YAMLMap).items) {
        if (!isScalar(pair.key)) continue;
        const written = pair.value as Node | null;
        const value = this.resolve(written);
        if (isScalar(value) && (typeof value.value === 'string' || typeof value.value === 'number' || typeof value.value === 'boolean')) {
          substitute.set(String(pair.key.value), { value: String(value.value), line: this.lineAt(written), ...(isAlias(written) ? { alias: true as const } : {}) });
        } else {
          this.warn('flux-object-invalid', `postBuild.substitute.${String(pair.key.value)} of Kustomization ${base.name} is not a string, ignored`, value ?? undefined);
        }
      }
    }
    const images: FluxKustomization['images'] = [];
    const list = this.node(['spec', 'images']);
    if (isSeq(list)) {
      list.items.forEach((item, i) => {
        const name = this.str(['spec', 'images', String(i), 'name']);
        if (name === undefined || !isMap(item)) return;
        const entry: FluxKustomization['images'][number] = { name, line: this.lineAt(item as Node) };
        for (const key of ['newName', 'newTag', 'digest'] as const) {
          const v = this.str(['spec', 'images', String(i), key]);
          if (v !== undefined) entry[key] = v;
        }
        images.push(entry);
      });
    }
    const sourceRef = this.ref(['spec', 'sourceRef']);
    const path = normaliseFluxPath(this.str(['spec', 'path']) ?? '');
    // Flux resolves spec.components against spec.path.
    const components = (this.strings(['spec', 'components']) ?? []).map((c) => normaliseFluxPath(posix.join(path, c)));
    return { ...base, path, substitute, images, ...(sourceRef ? { sourceRef } : {}), ...(components.length > 0 ? { components } : {}) };
  }

  helmRelease(base: Omit<FluxHelmRelease, 'hasValues' | 'chart'>): FluxHelmRelease {
    const values = this.node(['spec', 'values']);
    const release: FluxHelmRelease = { ...base, hasValues: isMap(values) && values.items.length > 0 };
    const chart = this.str(['spec', 'chart', 'spec', 'chart']);
    if (chart !== undefined) {
      const version = this.str(['spec', 'chart', 'spec', 'version']);
      const sourceRef = this.ref(['spec', 'chart', 'spec', 'sourceRef']);
      release.chart = { chart, ...(version === undefined ? {} : { version }), ...(sourceRef ? { sourceRef } : {}) };
    }
    return release;
  }

  imageRepository(base: Omit<FluxImageRepository, 'image'>, model: Sink): void {
    const image = this.str(['spec', 'image']);
    if (image === undefined) {
      this.warn('flux-object-invalid', `ImageRepository ${base.name} has no spec.image, ignored`);
      return;
    }
    const exclusionList = this.strings(['spec', 'exclusionList']);
    model.imageRepositories.push({ ...base, image, ...(exclusionList ? { exclusionList } : {}) });
  }

  imagePolicy(base: Omit<FluxImagePolicy, 'imageRepositoryRef' | 'spec'>, model: Sink): void {
    const refName = this.str(['spec', 'imageRepositoryRef', 'name']);
    const policy: ImagePolicySpec['policy'] = {};
    const range = this.str(['spec', 'policy', 'semver', 'range']);
    if (range !== undefined) policy.semver = { range };
    for (const kind of ['alphabetical', 'numerical'] as const) {
      if (isMap(this.node(['spec', 'policy', kind]))) {
        const order = this.str(['spec', 'policy', kind, 'order']);
        policy[kind] = order === undefined ? {} : { order };
      }
    }
    if (refName === undefined || Object.keys(policy).length !== 1) {
      this.warn(
        'flux-object-invalid',
        `ImagePolicy ${base.namespace ?? DEFAULT_NAMESPACE}/${base.name} needs spec.imageRepositoryRef.name and exactly one of spec.policy.semver/alphabetical/numerical, ignored`,
      );
      return;
    }
    const spec: ImagePolicySpec = { policy };
    const pattern = this.str(['spec', 'filterTags', 'pattern']);
    const extract = this.str(['spec', 'filterTags', 'extract']);
    if (pattern !== undefined || extract !== undefined) {
      spec.filterTags = { ...(pattern === undefined ? {} : { pattern }), ...(extract === undefined ? {} : { extract }) };
    }
    const digestReflectionPolicy = this.str(['spec', 'digestReflectionPolicy']);
    model.imagePolicies.push({
      ...base,
      imageRepositoryRef: { name: refName, namespace: this.str(['spec', 'imageRepositoryRef', 'namespace']) ?? base.namespace ?? DEFAULT_NAMESPACE },
      spec,
      ...(digestReflectionPolicy === undefined ? {} : { digestReflectionPolicy }),
    });
  }
}

/** Flux `spec.path` (`./apps/foo/`, `apps//foo`, `.`) → repo-relative POSIX folder (`apps/foo`, `''` for the root). */
export function normaliseFluxPath(path: string): string {
  const normal = posix.normalize(`/${path.trim()}`).replace(/\/+$/, '');
  return normal.replace(/^\/+/, '');
}
