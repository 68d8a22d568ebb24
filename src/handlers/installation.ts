/**
 * `installation.created` and `installation_repositories.added` → resync the repositories that were
 * just added, so a new installation gets its pull requests without waiting for a release.
 */
import type { Context } from 'probot';
import type { AppDeps } from '../app-deps.ts';
import { resyncRepositories } from './resync.ts';
import type { RepositoryLike } from './fan-out.ts';

type Deps = Pick<AppDeps, 'validateConfig' | 'resync'>;

/** Handles both events; the payloads list the repositories without clone URLs, so each is fetched. */
export async function resyncAddedRepositories(
  context: Context<'installation.created' | 'installation_repositories.added'>,
  deps: Deps,
): Promise<number> {
  const payload = context.payload;
  const added = 'repositories_added' in payload ? payload.repositories_added : (payload.repositories ?? []);
  const repositories: RepositoryLike[] = [];
  for (const entry of added) {
    const [owner, repo] = entry.full_name.split('/') as [string, string];
    const { data } = await context.octokit.rest.repos.get({ owner, repo });
    repositories.push(data);
  }
  const count = await resyncRepositories(context.octokit, payload.installation.id, repositories, deps, context.log);
  context.log.info(`${context.name}.${payload.action}: resynced ${count} of ${added.length} added repositories`);
  return count;
}
