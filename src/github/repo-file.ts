/** One file of a repository at a ref through the contents API (raw media type); undefined when it does not exist there. */
import { NotFound } from './errors.ts';
import type { GitHubClient } from './github-client.ts';
import type { RepoRef } from './repo-ref.ts';

export async function readRepoFile(gh: GitHubClient, repo: RepoRef, path: string, ref: string): Promise<string | undefined> {
  try {
    const { data } = await gh.request<unknown>('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: repo.owner,
      repo: repo.repo,
      path,
      ref,
      mediaType: { format: 'raw' },
    });
    return String(data);
  } catch (error) {
    if (error instanceof NotFound) return undefined;
    throw error;
  }
}
