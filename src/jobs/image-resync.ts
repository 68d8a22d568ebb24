/**
 * The level-triggered safety net for images: for every image a repository's config lists (unless it
 * says `poll: false`), list the registry's tags, let the image's policy (or the never-downgrade default)
 * pick the newest, and run the ordinary image job. A release whose webhook was lost, whose job spent its
 * retries, or that was in flight when a replica crashed is found again this way. Images the resync
 * cannot look up — the registry refuses or fails, or the config lists no images — are logged by name,
 * once per resync. The write path is idempotent, so a resync that finds nothing new costs reads only.
 */
import type { JobOutcome } from './job-outcome.ts';
import type { JobTarget } from '../app-deps.ts';
import { validateCourierConfig, type ImageConfig } from '../core/config/index.ts';
import { canonicalRepository, releaseProblem } from '../core/image-update/image-ref.ts';
import { defaultReleasePolicy } from '../core/policies/default-release-policy.ts';
import { filterExcluded, exclusionListFromSpec } from '../core/policies/exclusion.ts';
import { compilePolicy } from '../core/policies/compile-policy.ts';
import { PolicyError, type TagPolicy } from '../core/policies/tag-policy.ts';
import type { Release } from '../core/image-update/release.ts';
import type { ImageRequest } from './image-job.ts';
import { pollImages } from '../registry/poller.ts';

/** What createImageResync needs. */
export interface ImageResyncDeps {
  listTags(repository: string): Promise<string[]>;
  runJob(target: JobTarget, request: ImageRequest): Promise<JobOutcome[]>;
  log: { warn(obj: object, msg: string): void; info?(obj: object, msg: string): void };
  now(): Date;
}

function policyOf(image: ImageConfig): TagPolicy {
  if (!image.policy) return defaultReleasePolicy();
  return compilePolicy({ policy: image.policy, ...(image.filterTags ? { filterTags: image.filterTags } : {}) });
}

/** The newest acceptable tag of each polled image, as releases; images that fail are logged and skipped. */
export async function latestReleases(images: readonly ImageConfig[], deps: Pick<ImageResyncDeps, 'listTags' | 'log' | 'now'>): Promise<Release[]> {
  const polled = await pollImages(images.map((i) => ({ repository: canonicalRepository(i.repository) })), { listTags: deps.listTags, now: deps.now });
  for (const failure of polled.failures) deps.log.warn({ image: failure.repository, transient: failure.transient }, `polling failed: ${failure.error.message}`);
  const releases: Release[] = [];
  for (const image of images) {
    const repository = canonicalRepository(image.repository);
    const state = polled.state.find((s) => s.repository === repository);
    if (!state || state.tags.length === 0) continue;
    try {
      // The same validity rule as every event channel: a registry can list tags no reference may carry.
      const tags = filterExcluded(state.tags, exclusionListFromSpec(image.exclusionList)).filter((tag) => releaseProblem({ repository, tag }) === undefined);
      releases.push({ repository, tag: policyOf(image).select(tags) });
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      deps.log.warn({ image: repository }, `no tag selected: ${err.message}`);
    }
  }
  return releases;
}

/** The image job's part of the resync: poll the config's `poll: true` images and update to what their policies select. */
export function createImageResync(deps: ImageResyncDeps): (target: JobTarget) => Promise<JobOutcome[]> {
  return async (target) => {
    const validated = validateCourierConfig(target.config);
    if (!validated.ok) return [];
    const polled = validated.config.images.filter((i) => i.poll !== false);
    if (validated.config.images.length === 0) {
      deps.log.info?.({ repo: `${target.owner}/${target.repo}` }, 'resync: the config lists no images, so releases whose webhook was lost cannot be looked up; list them under images[] to have them recovered');
    }
    if (polled.length === 0) return [];
    const releases = await latestReleases(polled, deps);
    return releases.length > 0 ? deps.runJob(target, { kind: 'image', releases }) : [];
  };
}
