/** An image reference found in a document, in one of the shapes the rewriters understand. */
import type { ImageChangeReason } from './image-change.ts';
import type { Warning } from '../proposal/change.ts';
import type { TagPolicy } from '../policies/tag-policy.ts';
import type { ScalarAt } from '../yaml/yaml-file.ts';

/** Either a full reference in one scalar (`ref`) or split fields (`name` + `tag` and/or `digest`). */
export interface ImageSite {
  reason: ImageChangeReason;
  /** `repo:tag[@digest]` in one scalar. */
  ref?: ScalarAt;
  /** Split form: the image name as written (registry and repository joined). */
  name?: string;
  tag?: ScalarAt;
  digest?: ScalarAt;
  /** A policy that overrides the repository's (Flux v1 filter annotation), described for messages. */
  policy?: { policy: TagPolicy; source: string };
  /** Why the site must not change (Flux v1 `fluxcd.io/locked`); undefined = free to change. */
  locked?: string;
}

/** What finders know about the file and may report. */
export interface FinderContext {
  path: string;
  lineOf(offset: number): number;
  warnings: Warning[];
  legacyPolicy?: (value: string) => TagPolicy;
}

/** Start offset of a site's scalar, for line numbers and for telling scalars apart. */
export function offsetOf(at: ScalarAt): number {
  return at.node.range?.[0] ?? 0;
}
