/**
 * Flux v1 workload annotations honoured as policies: `filter.fluxcd.io/<container>` (and the older
 * `fluxcd.io/tag.<container>`) with `semver:`, `glob:` or `regex:` values, and `fluxcd.io/locked`.
 */
import { isMap, isScalar } from 'yaml';
import type { YAMLMap } from 'yaml';
import type { TagPolicy } from '../policies/tag-policy.ts';
import { mapAtPath } from '../yaml/yaml-file.ts';
import type { FinderContext } from './site.ts';

/** What the annotations of one workload say. */
export interface LegacyAnnotations {
  /** Container name → compiled policy and its source annotation. */
  policies: Map<string, { policy: TagPolicy; source: string }>;
  /** Set when `fluxcd.io/locked: "true"`: Flux v1 never changed such a workload, nor does Courier. */
  locked?: string;
}

const FILTER = /^(?:filter\.fluxcd\.io\/|fluxcd\.io\/tag\.)(.+)$/;

/** Reads the Flux v1 annotations of a workload document. */
export function legacyAnnotations(root: YAMLMap, ctx: FinderContext): LegacyAnnotations {
  const result: LegacyAnnotations = { policies: new Map() };
  const annotations = mapAtPath(root, ['metadata', 'annotations']);
  if (!isMap(annotations)) return result;
  for (const pair of annotations.items) {
    if (!isScalar(pair.key) || !isScalar(pair.value)) continue;
    const key = String(pair.key.value);
    const value = String(pair.value.value);
    if (key === 'fluxcd.io/locked' && value === 'true') {
      result.locked = 'the workload is locked by the Flux v1 annotation fluxcd.io/locked: "true"';
      continue;
    }
    const filter = FILTER.exec(key);
    if (!filter || !ctx.legacyPolicy) continue;
    try {
      result.policies.set(filter[1]!, { policy: ctx.legacyPolicy(value), source: `${key}: ${value}` });
    } catch (err) {
      const line = ctx.lineOf(pair.value.range?.[0] ?? 0);
      ctx.warnings.push({
        code: 'invalid-legacy-filter',
        message: `${ctx.path}:${line}: annotation ${key}: ${value} is not a valid filter (${(err as Error).message}); the container is left alone`,
        file: ctx.path,
        line,
        field: `metadata.annotations.${key}`,
      });
      result.policies.set(filter[1]!, { policy: refuseAll(value), source: `${key}: ${value}` });
    }
  }
  return result;
}

/** A policy that accepts nothing, so a broken filter never lets a tag through. */
function refuseAll(value: string): TagPolicy {
  return {
    accepts: () => false,
    compare: () => 0,
    select: () => {
      throw new Error(`invalid filter ${value}`);
    },
    describe: () => `invalid filter "${value}"`,
  };
}
