/**
 * Registry polling, the level-triggered safety net: list the tags of the images named in config and
 * report the ones not seen before. It keeps no state: the caller passes the last seen tags in and
 * stores the returned ones. Choosing among candidates is the policies' job, not this one.
 */
import pLimit from 'p-limit';
import type { Release } from '../core/image-update/release.ts';
import { RegistryError, RegistryUnavailable } from './errors.ts';

/** One image to poll and the tags seen last time (undefined: never polled). */
export interface PolledImage {
  repository: string;
  currentTags?: readonly string[];
}

/** What a poll needs. */
export interface PollDeps {
  listTags(repository: string): Promise<string[]>;
  now(): Date;
  /** Parallel registry calls; default 4. */
  concurrency?: number;
}

/** Tags seen for one image, to pass back in as `currentTags` next time. */
export interface PollState {
  repository: string;
  tags: string[];
  checkedAt: string;
}

/** One image that could not be polled; it has no entry in `state`, so the caller keeps its previous one. */
export interface PollFailure {
  repository: string;
  error: RegistryError;
  /** True when retrying later may help (registry down, rate limited). */
  transient: boolean;
}

/** The outcome of one poll. */
export interface PollResult {
  /** New tags, oldest image first, in the registry's order within an image. */
  releases: Release[];
  state: PollState[];
  failures: PollFailure[];
}

/**
 * Lists every image's tags and reports those not in `currentTags`. An image polled for the first time
 * reports all its tags (the policy picks one; the write path is idempotent), so a restart loses
 * nothing. Registry errors are per image; anything else (a bug) is thrown.
 */
export async function pollImages(images: readonly PolledImage[], deps: PollDeps): Promise<PollResult> {
  const limit = pLimit(deps.concurrency ?? 4);
  const outcomes = await Promise.all(
    images.map((image) =>
      limit(async () => {
        try {
          const tags = await deps.listTags(image.repository);
          return { ok: true as const, image, tags, checkedAt: deps.now().toISOString() };
        } catch (err) {
          if (err instanceof RegistryError) return { ok: false as const, image, error: err };
          throw err;
        }
      }),
    ),
  );
  const result: PollResult = { releases: [], state: [], failures: [] };
  for (const outcome of outcomes) {
    const { image } = outcome;
    if (!outcome.ok) {
      const { error } = outcome;
      result.failures.push({ repository: image.repository, error, transient: error instanceof RegistryUnavailable });
      continue;
    }
    const seen = new Set(image.currentTags ?? []);
    for (const tag of outcome.tags) {
      if (!seen.has(tag)) result.releases.push({ repository: image.repository, tag });
    }
    result.state.push({ repository: image.repository, tags: outcome.tags, checkedAt: outcome.checkedAt });
  }
  return result;
}
