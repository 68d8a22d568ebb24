/**
 * Image references in any kind Courier has no specific rule for, found the way Renovate's kubernetes
 * and regex managers find them: a string scalar whose key names an image (`image`, `*Image`, `*image`),
 * any string that is the released repository with a tag or digest (a JSON6902 patch `value`, a
 * ConfigMap entry…), and `repository` + `tag`/`digest` mappings (Helm values files fed through
 * `configMapGenerator` + `valuesFrom`). Block scalars and aliases are never read: the bytes of a
 * block are prose or another language, and an alias is edited where its anchor is.
 */
import { isAlias, isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { Document, Node } from 'yaml';
import { joinField } from '../yaml/yaml-file.ts';
import { looksLikeImage, splitSite } from './helm-values.ts';
import { tryParseImageRef } from './image-ref.ts';
import type { ImageSite } from './site.ts';

/** Keys that name an image: `image`, `sidecarImage`, `initimage`, `IMAGE`. */
const IMAGE_KEY = /(?:^|[a-z0-9_-])image$/i;

/** Every image site of a document under the generic rules; `taken` holds scalar offsets other finders own. */
export function imageFieldSites(doc: Document.Parsed, repository: string, taken: ReadonlySet<number>): ImageSite[] {
  const sites: ImageSite[] = [];
  const free = (node: Node | null | undefined): boolean => !node || !taken.has(node.range?.[0] ?? -1);
  const walk = (node: unknown, field: string, key: string | undefined, inFlow: boolean, inPatch: boolean): void => {
    if (isAlias(node) || !node) return;
    if (isMap(node)) {
      const flow = inFlow || node.flow === true;
      const patchOp = node.has('op') && node.has('path') && node.has('value');
      const split = splitSite(node, field, flow, 'image-mapping', ['repository', 'image']);
      const covered = new Set<Node>();
      if (split && [split.tag?.node, split.digest?.node].every(free)) {
        sites.push(split);
        for (const at of [split.tag, split.digest]) if (at) covered.add(at.node);
      }
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const k = String(pair.key.value);
        if (covered.has(pair.value as Node)) continue;
        walk(pair.value, joinField(field, k), k, flow, patchOp && k === 'value');
      }
    } else if (isSeq(node)) {
      const flow = inFlow || node.flow === true;
      node.items.forEach((item, index) => walk(item, `${field}[${index}]`, key, flow, false));
    } else if (isScalar(node) && typeof node.value === 'string' && free(node)) {
      if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) return;
      const at = { node, field, inFlow };
      if (key !== undefined && IMAGE_KEY.test(key) && looksLikeImage(node.value, 'image')) {
        sites.push({ reason: 'image-field', ref: at });
      } else if (isReleasedImage(node.value, repository)) {
        sites.push({ reason: inPatch ? 'json6902-patch' : 'image-value', ref: at });
      }
    }
  };
  walk(doc.contents, '', undefined, false, false);
  return sites;
}

/** The released repository with a tag or digest, as one whole value (`ghcr.io/acme/app:1.0.0`). */
function isReleasedImage(value: string, repository: string): boolean {
  const ref = tryParseImageRef(value);
  return ref !== undefined && ref.repository === repository && (ref.tag !== undefined || ref.digest !== undefined);
}
