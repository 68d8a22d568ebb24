/**
 * The image triggers — `registry_package`/`package` published, `release` published, `repository_dispatch`
 * `courier-image` — end here: normalised to releases, fanned out to the installation's configured
 * repositories that use the image, and handed to the batcher.
 */
import { releaseProblem } from '../core/image-update/image-ref.ts';
import type { Context } from 'probot';
import type { Release } from '../core/image-update/release.ts';
import type { AppDeps, CourierConfigLike } from '../app-deps.ts';
import type { Normalised } from './normalised.ts';
import type { InstallationCache } from './installation-cache.ts';
import type { ReleaseBatcher } from './release-batcher.ts';
import { configuredTargets, installationRepositories, releasesFor } from './fan-out.ts';

/** What the image triggers share. */
export interface ImageServices {
  deps: Pick<AppDeps, 'validateConfig' | 'wants'>;
  batcher: ReleaseBatcher;
  cache: InstallationCache;
}
type AnyContext = Context<'registry_package' | 'package' | 'release' | 'repository_dispatch'>;

/**
 * Fans releases out: `releasesOf(config)` says what a repository's config makes of the event (fixed
 * releases for registry events, mapped ones for source releases).
 */
export async function fanOut(
  context: AnyContext,
  { deps, batcher, cache }: ImageServices,
  releasesOf: (config: CourierConfigLike) => Normalised,
): Promise<number> {
  const installationId = context.payload.installation?.id;
  if (installationId === undefined) {
    context.log.warn(`${context.name} without an installation: ignored`);
    return 0;
  }
  if (!batcher.claim(context.id)) {
    context.log.info(`${context.name} ${context.id}: duplicate delivery, already handled`);
    return 0;
  }
  let targets;
  try {
    const repositories = await cache.repositories(installationId, () => installationRepositories(context.octokit));
    targets = await configuredTargets(context.octokit, installationId, repositories, deps, context.log, cache);
  } catch (error) {
    batcher.unclaim(context.id);
    throw error;
  }
  let queued = 0;
  const refused = new Set<string>();
  for (const target of targets) {
    const offered = releasesOf(target.config).releases;
    for (const release of offered) {
      const problem = releaseProblem(release);
      if (problem) refused.add(problem);
    }
    const releases = releasesFor(target, offered, deps);
    if (releases.length === 0) continue;
    if (batcher.add(target, releases, context.id)) queued++;
  }
  for (const problem of refused) context.log.warn(`${context.name} ${context.id}: refused: ${problem}`);
  context.log.info(`${context.name} ${context.id}: queued for ${queued} of ${targets.length} configured repositories`);
  return queued;
}

/** Handles an event whose releases do not depend on the receiving config (registry events, dispatch). */
export async function handleFixedReleases(
  context: AnyContext,
  normalised: Normalised,
  services: ImageServices,
): Promise<void> {
  if (normalised.releases.length === 0) {
    context.log.info(`${context.name} ${context.id}: nothing to do: ${normalised.ignored ?? 'no releases'}`);
    return;
  }
  context.log.info(`${context.name} ${context.id}: ${normalised.releases.map(describe).join(', ')}`);
  await fanOut(context, services, () => normalised);
}

function describe(release: Release): string {
  return `${release.repository}:${release.tag}`;
}
