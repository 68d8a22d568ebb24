/**
 * Kustomize `images:` entries (`name`, `newName`, `newTag`, `digest`) in kustomization files, and the
 * same list under Flux `Kustomization.spec.images` (kustomize.toolkit.fluxcd.io).
 */
import { isMap, isSeq } from 'yaml';
import type { Document } from 'yaml';
import { isKustomizeFileName } from '../repo-model/read-kustomize-file.ts';
import { isKindOf, joinField, mapAt, scalarAt, stringAt } from '../yaml/yaml-file.ts';
import type { ImageSite } from './site.ts';

/** The images entries of a document as sites, matched later on `newName` if present, else `name`. */
export function kustomizeImageSites(path: string, doc: Document.Parsed): ImageSite[] {
  const root = doc.contents;
  if (!isMap(root)) return [];
  const kind = stringAt(root, 'kind');
  let list: unknown;
  let base: string;
  let reason: ImageSite['reason'];
  if (isKindOf(root, 'kustomize.toolkit.fluxcd.io', 'Kustomization')) {
    list = mapAt(root, 'spec')?.get('images', true);
    base = 'spec.images';
    reason = 'flux-kustomization-images';
  } else if (isKustomizeFileName(path) && (kind === undefined || kind === 'Kustomization' || kind === 'Component')) {
    list = root.get('images', true);
    base = 'images';
    reason = 'kustomize-images';
  } else {
    return [];
  }
  if (!isSeq(list)) return [];
  const flow = list.flow === true;
  const sites: ImageSite[] = [];
  list.items.forEach((entry, index) => {
    if (!isMap(entry)) return;
    const name = stringAt(entry, 'newName') ?? stringAt(entry, 'name');
    if (name === undefined) return;
    const field = `${base}[${index}]`;
    const inFlow = flow || entry.flow === true;
    const site: ImageSite = { reason, name };
    const tag = scalarAt(entry, 'newTag');
    const digest = scalarAt(entry, 'digest');
    if (tag) site.tag = { node: tag, field: joinField(field, 'newTag'), inFlow };
    if (digest) site.digest = { node: digest, field: joinField(field, 'digest'), inFlow };
    sites.push(site);
  });
  return sites;
}
