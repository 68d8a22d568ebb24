/**
 * Finds the repositories of an installation that should hear about a release: every repository with
 * a valid `.github/courier.yml` that uses the image. Repositories with an invalid config are skipped
 * (their check run already says why).
 */
import { releaseProblem } from '../core/image-update/image-ref.ts';
import type { ProbotOctokit } from 'probot';
import { sameRepository } from '../core/image-update/image-ref.ts';
import type { Release } from '../core/image-update/release.ts';
import type { AppDeps, AppLog, CourierConfigLike, JobTarget } from '../app-deps.ts';
import { loadConfig } from '../github/config-loader.ts';
import type { InstallationCache } from './installation-cache.ts';

/** Repository fields fan-out needs, as the REST API returns them. */
export interface RepositoryLike {
  name: string;
  owner: { login: string };
  clone_url: string;
  default_branch?: string;
  archived?: boolean;
}

/** Every repository of the installation (`GET /installation/repositories`, paginated). */
export async function installationRepositories(octokit: ProbotOctokit): Promise<RepositoryLike[]> {
  return (await octokit.paginate('GET /installation/repositories', { per_page: 100 })) as RepositoryLike[];
}

/** Loads the config of each repository (through `cache` when given) and keeps the valid ones as update targets. */
export async function configuredTargets(
  octokit: ProbotOctokit,
  installationId: number,
  repositories: RepositoryLike[],
  deps: Pick<AppDeps, 'validateConfig'>,
  log: Pick<AppLog, 'info' | 'warn'>,
  cache?: InstallationCache,
): Promise<JobTarget[]> {
  const targets: JobTarget[] = [];
  for (const repository of repositories) {
    if (repository.archived) continue;
    const where = { owner: repository.owner.login, repo: repository.name };
    const load = () => loadConfig(octokit, deps, where);
    const loaded = cache ? await cache.config(installationId, where.owner, where.repo, load) : await load();
    if (loaded.status === 'invalid') {
      log.warn(`${where.owner}/${where.repo}: .github/courier.yml is invalid (${loaded.problems.length} problems); skipped`);
      continue;
    }
    if (loaded.status === 'missing') continue;
    targets.push({
      octokit,
      installationId,
      ...where,
      cloneUrl: repository.clone_url,
      defaultBranch: repository.default_branch ?? 'main',
      config: loaded.config,
    });
  }
  return targets;
}

/** Default fan-out test: listed in `images`, or no `images` list at all (the planner then decides). */
function configUsesImage(config: CourierConfigLike, release: Release): boolean {
  if (!config.images || config.images.length === 0) return true;
  return config.images.some((image) => sameRepository(image.repository, release.repository));
}

/** The releases a target should receive: valid ones (`releaseProblem`), by the injected test or the default one. */
export function releasesFor(target: JobTarget, releases: Release[], deps: Pick<AppDeps, 'wants'>): Release[] {
  const { octokit: _octokit, ...plain } = target;
  return releases.filter(
    (release) =>
      releaseProblem(release) === undefined &&
      (deps.wants ? deps.wants(plain, { kind: 'image', releases: [release] }) : configUsesImage(target.config, release)),
  );
}
