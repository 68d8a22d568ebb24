/** The common result of turning a trigger's payload into releases. */
import type { Release } from '../core/image-update/release.ts';

/** Releases found in a payload, or why it carries none (logged, never an error). */
export interface Normalised {
  releases: Release[];
  ignored?: string;
}

/** A payload that yields nothing, with the reason. */
export function ignored(reason: string): Normalised {
  return { releases: [], ignored: reason };
}
