/**
 * Reaching repositories without a webhook context: which installation serves `owner/repo` (for
 * cluster reports), and every installation's configured repositories (for registry notifications).
 */
import { releaseProblem } from '../core/image-update/image-ref.ts';
import { fromOctokit, type OctokitLike } from '../github/github-client.ts';
import { installationOf } from '../github/installation-of.ts';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Probot, ProbotOctokit } from 'probot';
import type { AppDeps, CourierConfigLike } from '../app-deps.ts';
import type { Release } from '../core/image-update/release.ts';
import { loadConfig } from '../github/config-loader.ts';
import { configuredTargets, installationRepositories, releasesFor } from '../handlers/fan-out.ts';
import type { InstallationCache } from '../handlers/installation-cache.ts';
import type { ReleaseBatcher } from '../handlers/release-batcher.ts';

/** The server's long-lived services the routes use. */
export interface ServerServices {
  probot: Probot;
  batcher: ReleaseBatcher;
  cache: InstallationCache;
  /** Probot's pino logger: message-only and fields-first calls both work. */
  log: Logger;
}

const INSTALLATION_TTL_MS = 10 * 60_000;

/** Finds (and remembers for ten minutes) the installation client of a repository; undefined when the app is not installed there. */
export function repositoryClients(probot: Probot, now: () => Date) {
  const known = new Map<string, { id: number | undefined; until: number }>();
  return async (owner: string, repo: string): Promise<{ id: number; octokit: ProbotOctokit } | undefined> => {
    const key = `${owner}/${repo}`.toLowerCase();
    let entry = known.get(key);
    if (!entry || entry.until < now().getTime()) {
      const app = await probot.auth();
      const id = await installationOf(fromOctokit(app as unknown as OctokitLike), { owner, repo });
      entry = { id, until: now().getTime() + INSTALLATION_TTL_MS };
      known.set(key, entry);
    }
    return entry.id === undefined ? undefined : { id: entry.id, octokit: await probot.auth(entry.id) };
  };
}

/** The valid config of a repository the app serves, through the installation cache. */
export function repositoryConfigs(services: ServerServices, deps: Pick<AppDeps, 'validateConfig'>, now: () => Date) {
  const clients = repositoryClients(services.probot, now);
  return {
    clients,
    async config(owner: string, repo: string): Promise<CourierConfigLike | undefined> {
      const client = await clients(owner, repo);
      if (!client) return undefined;
      const loaded = await services.cache.config(client.id, owner, repo, () => loadConfig(client.octokit, deps, { owner, repo }));
      return loaded.status === 'valid' ? loaded.config : undefined;
    },
  };
}

/**
 * Hands releases heard outside GitHub (registry notifications) to every installation's configured
 * repositories that use them. Identical notifications are taken once, like duplicate webhook deliveries.
 */
export function dispatchToInstallations(services: ServerServices, deps: Pick<AppDeps, 'validateConfig' | 'wants'>) {
  return async (offered: Release[]): Promise<void> => {
    const releases = offered.filter((release) => {
      const problem = releaseProblem(release);
      if (problem) services.log.warn(`registry notification refused: ${problem}`);
      return problem === undefined;
    });
    if (releases.length === 0) return;
    const id = `registry:${createHash('sha256').update(JSON.stringify(releases)).digest('hex')}`;
    if (!services.batcher.claim(id)) return;
    try {
      const app = await services.probot.auth();
      const installations = (await app.paginate('GET /app/installations', { per_page: 100 })) as Array<{ id: number }>;
      for (const installation of installations) {
        const octokit = await services.probot.auth(installation.id);
        const repositories = await services.cache.repositories(installation.id, () => installationRepositories(octokit));
        const targets = await configuredTargets(octokit, installation.id, repositories, deps, services.log, services.cache);
        for (const target of targets) {
          const wanted = releasesFor(target, releases, deps);
          if (wanted.length > 0) services.batcher.add(target, wanted, id);
        }
      }
    } catch (error) {
      services.batcher.unclaim(id);
      throw error;
    }
  };
}
