/**
 * HelmRelease `spec.values`: mappings with `repository` + `tag` (+ `digest`, + `registry`) at any
 * depth (`image`, `foo.image`, `images.app`…), and any string value that is a full image reference.
 * The chart (`spec.chart.spec.version`) is never looked at.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Document, Node, YAMLMap } from 'yaml';
import { isKindOf, joinField, mapAt, scalarAt, stringAt } from '../yaml/yaml-file.ts';
import { tryParseImageRef } from './image-ref.ts';
import { hasVariables } from './image-template.ts';
import type { ImageSite } from './site.ts';

/** Every image site under `spec.values` of a HelmRelease document. */
export function helmValueSites(doc: Document.Parsed): ImageSite[] {
  const root = doc.contents;
  if (!isKindOf(root, 'helm.toolkit.fluxcd.io', 'HelmRelease')) return [];
  const values = mapAt(mapAt(root, 'spec'), 'values');
  const sites: ImageSite[] = [];
  if (values) walk(values, 'spec.values', values.flow === true, sites);
  return sites;
}

const SPLIT_KEYS = new Set(['repository', 'image', 'name', 'tag', 'digest', 'registry']);

function walk(node: Node, field: string, inFlow: boolean, sites: ImageSite[]): void {
  if (isMap(node)) {
    const flow = inFlow || node.flow === true;
    const split = splitSite(node, field, flow);
    if (split) sites.push(split);
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      // Fields the split site already covers are not also read as full references.
      if (split && SPLIT_KEYS.has(key)) continue;
      if (pair.value) walk(pair.value as Node, joinField(field, key), flow, sites);
    }
  } else if (isSeq(node)) {
    const flow = inFlow || node.flow === true;
    node.items.forEach((item, index) => walk(item as Node, `${field}[${index}]`, flow, sites));
  } else if (isScalar(node) && typeof node.value === 'string' && looksLikeImage(node.value, field)) {
    sites.push({ reason: 'helm-values', ref: { node, field, inFlow } });
  }
}

/**
 * A full reference: has a tag or digest (a bare name is a repository, not something to bump). A value
 * that is one whole variable counts only under a key named `image`.
 */
export function looksLikeImage(value: string, field: string): boolean {
  if (hasVariables(value)) {
    if (/^\$\{[^}]*\}$/.test(value)) return /(^|\.)image$/.test(field);
    return /[:@]/.test(value.replace(/\$\{[^}]*\}/g, 'x'));
  }
  const ref = tryParseImageRef(value);
  return ref !== undefined && (ref.tag !== undefined || ref.digest !== undefined);
}

/** Keys that may name the image next to a `tag`, in order of preference. */
const NAME_KEYS = ['repository', 'image', 'name'] as const;

/** The key naming the image in a split mapping: `repository`, else an `image`/`name` holding a bare name. */
function nameKeyOf(map: YAMLMap, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = stringAt(map, key);
    if (value === undefined) continue;
    if (key === 'repository') return key;
    const ref = tryParseImageRef(value);
    if (ref && ref.tag === undefined && ref.digest === undefined) return key;
  }
  return undefined;
}

/**
 * `repository` (or a bare `image`/`name`) + `tag`/`digest` (optionally `registry`) in one mapping.
 * `nameKeys` narrows the keys that may name the image (outside HelmRelease values `name` is too common).
 */
export function splitSite(map: YAMLMap, field: string, inFlow: boolean, reason: ImageSite['reason'] = 'helm-values', nameKeys: readonly string[] = NAME_KEYS): ImageSite | undefined {
  const nameKey = nameKeyOf(map, nameKeys);
  const repository = nameKey ? stringAt(map, nameKey) : undefined;
  const tag = scalarAt(map, 'tag');
  const digest = scalarAt(map, 'digest');
  if (repository === undefined || (!tag && !digest)) return undefined;
  const registry = stringAt(map, 'registry');
  const site: ImageSite = { reason, name: registry ? `${registry}/${repository}` : repository };
  if (tag) site.tag = { node: tag, field: joinField(field, 'tag'), inFlow };
  if (digest) site.digest = { node: digest, field: joinField(field, 'digest'), inFlow };
  return site;
}
