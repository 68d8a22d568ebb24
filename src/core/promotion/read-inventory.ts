/**
 * The version inventory of one environment: what its files pin, read with the image-update engine's
 * own finders (workload containers, HelmRelease values, Kustomize and Flux Kustomization `images:`)
 * plus HelmRelease chart versions. Pure: files and config in, inventory out.
 *
 * HelmRelease `spec.chartRef` to an `OCIRepository` counts as a chart too: its version is the
 * OCIRepository's `spec.ref.tag` (a `semver` range selects nothing fixed, so it is not an entry).
 *
 * Known limits (issue 8): setter-only references outside these shapes and chart versions fed by
 * postBuild variables are not read yet; an entry read nowhere is absent, so never promoted.
 */
import { isMap } from 'yaml';
import type { CourierConfig } from '../config/index.ts';
import { containerSites } from '../image-update/containers.ts';
import { helmValueSites } from '../image-update/helm-values.ts';
import { canonicalRepository, tryParseImageRef } from '../image-update/image-ref.ts';
import { kustomizeImageSites } from '../image-update/kustomize-images.ts';
import type { ImageSite } from '../image-update/site.ts';
import type { Warning } from '../proposal/change.ts';
import { buildRepoModel, deployedFiles, membership, substitutionsFor, type RepoModel } from '../repo-model/index.ts';
import type { RepoFile } from '../repo-model/repo-file.ts';
import { isKindOf, isParseFailure, mapAtPath, parseYamlFile, scalarText, stringAt } from '../yaml/yaml-file.ts';

/** Where one version is written. */
export interface VersionSite {
  file: string;
  line: number;
  field: string;
}

/** One image an environment runs: tag and digest move together. */
export interface ImageEntry {
  repository: string;
  tag?: string;
  digest?: string;
  sites: VersionSite[];
}

/**
 * One HelmRelease chart version, keyed by release name and chart name (`podinfo/podinfo`), or by
 * release name and OCI URL for a `chartRef` (`atuin/oci://ghcr.io/bjw-s-labs/helm/app-template`).
 */
export interface ChartEntry {
  key: string;
  chart: string;
  version: string;
  /** Set for a `chartRef`: the OCIRepository whose `spec.ref.tag` holds the version. */
  ociRepository?: string;
  sites: VersionSite[];
}

/** What one environment pins. Two sites disagreeing on a version yield a warning; the first wins. */
export interface Inventory {
  environment: string;
  images: Map<string, ImageEntry>;
  charts: Map<string, ChartEntry>;
  warnings: Warning[];
}

const SCREEN = /image|newTag|HelmRelease|OCIRepository/;

/** Reads the inventory of `environment` from the repository's files. */
export function readInventory(files: readonly RepoFile[], config: CourierConfig, environment: string): Inventory {
  const model = buildRepoModel(files);
  const deployment = deployedFiles(model);
  const inventory: Inventory = { environment, images: new Map(), charts: new Map(), warnings: [] };
  const ociRepositories = new Map<string, OciTag>();
  const chartRefs: ChartRef[] = [];
  for (const file of files) {
    if (!/\.ya?ml$/i.test(file.path) || !SCREEN.test(file.text)) continue;
    const where = membership(file.path, model, config);
    // A shared app folder counts only through the postBuild variables this environment's clusters set.
    const own = where.env === environment;
    if (!own && !where.sharedBy?.includes(environment)) continue;
    if (deployment.known && !deployment.deployed.has(file.path)) continue;
    const parsed = parseYamlFile(file.text);
    if (isParseFailure(parsed)) {
      inventory.warnings.push({ code: 'yaml-parse-error', file: file.path, line: parsed.line, message: `${file.path}:${parsed.line}: not valid YAML, left out of the ${environment} inventory: ${parsed.message}` });
      continue;
    }
    for (const doc of parsed.documents) {
      const ctx = { path: file.path, lineOf: parsed.lineOf, warnings: [] as Warning[] };
      const sites = [...containerSites(doc, ctx), ...helmValueSites(doc), ...kustomizeImageSites(file.path, doc)];
      for (const site of sites) {
        if (addVariableImage(inventory, site, file.path, model, config)) continue;
        if (own) addImage(inventory, site, file.path, parsed.lineOf);
      }
      if (own) {
        addChart(inventory, doc, file.path, parsed.lineOf);
        readOciSource(doc, file.path, parsed.lineOf, ociRepositories, chartRefs);
      }
    }
  }
  // Resolved after every file is read: the OCIRepository may sit in a file after the HelmRelease.
  for (const ref of chartRefs) {
    const source = ociRepositories.get(ref.name);
    if (!source) continue;
    const key = `${ref.release}/${source.url}`;
    const known = inventory.charts.get(key);
    if (known) {
      if (!known.sites.some((s) => s.file === source.site.file && s.line === source.site.line)) known.sites.push(source.site);
    } else inventory.charts.set(key, { key, chart: source.url, version: source.tag, ociRepository: ref.name, sites: [source.site] });
  }
  return inventory;
}

/** An OCIRepository pinning a tag. */
interface OciTag {
  url: string;
  tag: string;
  site: VersionSite;
}

/** A HelmRelease's `spec.chartRef` to an OCIRepository. */
interface ChartRef {
  release: string;
  name: string;
}

function readOciSource(doc: import('yaml').Document.Parsed, path: string, lineOf: (offset: number) => number, sources: Map<string, OciTag>, refs: ChartRef[]): void {
  const root = doc.contents;
  if (!isMap(root)) return;
  const name = stringAt(mapAtPath(root, ['metadata']), 'name');
  if (!name) return;
  if (isKindOf(root, 'source.toolkit.fluxcd.io', 'OCIRepository')) {
    const ref = mapAtPath(root, ['spec', 'ref']);
    const node = ref?.get('tag', true);
    const url = stringAt(mapAtPath(root, ['spec']), 'url');
    if (!ref || !url || !node || ref.has('semver') || ref.has('digest')) return;
    const tag = scalarText(node as import('yaml').Scalar);
    if (tag === undefined || tag.includes('${') || sources.has(name)) return;
    sources.set(name, { url, tag, site: { file: path, line: lineOf((node as import('yaml').Scalar).range?.[0] ?? 0), field: 'spec.ref.tag' } });
  } else if (isKindOf(root, 'helm.toolkit.fluxcd.io', 'HelmRelease')) {
    const chartRef = mapAtPath(root, ['spec', 'chartRef']);
    if (chartRef && stringAt(chartRef, 'kind') === 'OCIRepository') {
      const source = stringAt(chartRef, 'name');
      if (source) refs.push({ release: name, name: source });
    }
  }
}

const VARIABLE_TAG = /^(.+):\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * `image: repo:${VAR}` (or a split tag `${VAR}`): the version is what this environment's cluster
 * Kustomizations set in `postBuild.substitute.VAR`, and the entry's site is that value. Only a
 * variable that is a whole tag counts, so `CLUSTER_NAME` and the like never enter the inventory.
 */
function addVariableImage(inventory: Inventory, site: ImageSite, path: string, model: RepoModel, config: CourierConfig): boolean {
  let name: string | undefined;
  let variable: string | undefined;
  if (site.ref) {
    const m = VARIABLE_TAG.exec(scalarText(site.ref.node) ?? '');
    if (m) [, name, variable] = m;
  } else if (site.tag && site.name) {
    const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(scalarText(site.tag.node) ?? '');
    if (m) [name, variable] = [site.name, m[1]];
  }
  if (!name || !variable || name.includes('${')) return false;
  const ref = tryParseImageRef(`${name}:latest`);
  if (!ref) return true;
  for (const sub of substitutionsFor(path, variable, model, config)) {
    if (sub.env !== inventory.environment) continue;
    const where: VersionSite = { file: sub.file, line: sub.line, field: `spec.postBuild.substitute.${variable}` };
    const known = inventory.images.get(ref.repository);
    if (!known) inventory.images.set(ref.repository, { repository: ref.repository, tag: sub.value, sites: [where] });
    else if (!known.sites.some((s) => s.file === where.file && s.line === where.line)) {
      known.sites.push(where);
      if (known.tag !== sub.value) {
        inventory.warnings.push({
          code: 'inventory-conflict',
          file: sub.file,
          line: sub.line,
          message: `${sub.file}:${sub.line}: ${ref.repository} is ${sub.value} here but ${formatVersion(known.tag, known.digest)} at ${known.sites[0]!.file}:${known.sites[0]!.line} in environment ${inventory.environment}; Courier reads the first.`,
        });
      }
    }
  }
  return true;
}

function addImage(inventory: Inventory, site: ImageSite, path: string, lineOf: (offset: number) => number): void {
  let repository: string | undefined;
  let tag: string | undefined;
  let digest: string | undefined;
  const at = site.ref ?? site.tag ?? site.digest;
  if (!at) return;
  if (site.ref) {
    const ref = tryParseImageRef(scalarText(site.ref.node) ?? '');
    if (!ref) return;
    repository = ref.repository;
    tag = ref.tag;
    digest = ref.digest;
  } else {
    if (!site.name || site.name.includes('${')) return;
    repository = canonicalRepository(site.name);
    tag = site.tag ? scalarText(site.tag.node) : undefined;
    digest = site.digest ? scalarText(site.digest.node) : undefined;
  }
  if (tag?.includes('${') || (tag === undefined && digest === undefined)) return;
  const where: VersionSite = { file: path, line: lineOf(at.node.range?.[0] ?? 0), field: at.field };
  const known = inventory.images.get(repository);
  if (!known) {
    inventory.images.set(repository, { repository, tag, digest, sites: [where] });
    return;
  }
  known.sites.push(where);
  if (known.tag !== tag || known.digest !== digest) {
    inventory.warnings.push({
      code: 'inventory-conflict',
      file: path,
      line: where.line,
      field: where.field,
      message: `${path}:${where.line}: ${repository} is ${formatVersion(tag, digest)} here but ${formatVersion(known.tag, known.digest)} at ${known.sites[0]!.file}:${known.sites[0]!.line} in environment ${inventory.environment}; Courier reads the first.`,
    });
  }
}

function addChart(inventory: Inventory, doc: import('yaml').Document.Parsed, path: string, lineOf: (offset: number) => number): void {
  const root = doc.contents;
  if (!isMap(root) || !isKindOf(root, 'helm.toolkit.fluxcd.io', 'HelmRelease')) return;
  const spec = mapAtPath(root, ['spec', 'chart', 'spec']);
  const versionNode = spec?.get('version', true);
  const chart = spec ? stringAt(spec, 'chart') : undefined;
  const name = stringAt(mapAtPath(root, ['metadata']), 'name');
  if (!spec || !chart || !name || versionNode === undefined) return;
  const version = scalarText(versionNode as import('yaml').Scalar);
  if (version === undefined || version.includes('${')) return;
  const key = `${name}/${chart}`;
  const where: VersionSite = { file: path, line: lineOf((versionNode as import('yaml').Scalar).range?.[0] ?? 0), field: 'spec.chart.spec.version' };
  const known = inventory.charts.get(key);
  if (known) known.sites.push(where);
  else inventory.charts.set(key, { key, chart, version, sites: [where] });
}

/** `1.2.3`, `1.2.3@sha256:…` or `@sha256:…`. */
export function formatVersion(tag: string | undefined, digest: string | undefined): string {
  return `${tag ?? ''}${digest ? `@${digest}` : ''}`;
}
