/** The id of the app's installation on a repository; undefined when the app is not installed there. */
import { NotFound } from './errors.ts';
import type { GitHubClient } from './github-client.ts';
import type { RepoRef } from './repo-ref.ts';

/** `gh` must be authenticated as the app (JWT), as GitHub requires for this route. */
export async function installationOf(gh: GitHubClient, repo: RepoRef): Promise<number | undefined> {
  try {
    const { data } = await gh.request<{ id: number }>('GET /repos/{owner}/{repo}/installation', { owner: repo.owner, repo: repo.repo });
    return data.id;
  } catch (error) {
    if (error instanceof NotFound) return undefined;
    throw error;
  }
}
