/**
 * Who may steer Courier: a user with write access to the repository (`admin`, `maintain` or `write`
 * as GitHub reports it, https://docs.github.com/en/rest/collaborators/collaborators#get-repository-permissions-for-a-user).
 * Used for approvals that open a promotion gate and for `/courier` commands.
 */
import { NotFound } from './errors.ts';
import type { GitHubClient } from './github-client.ts';
import type { RepoRef } from './repo-ref.ts';

/** True when `login` can push to the repository. */
export async function hasWritePermission(gh: GitHubClient, repo: RepoRef, login: string): Promise<boolean> {
  try {
    const { data } = await gh.request<{ permission?: string; role_name?: string }>('GET /repos/{owner}/{repo}/collaborators/{username}/permission', {
      owner: repo.owner,
      repo: repo.repo,
      username: login,
    });
    return ['admin', 'maintain', 'write'].includes(data.permission ?? '') || ['admin', 'maintain', 'write'].includes(data.role_name ?? '');
  } catch (error) {
    if (error instanceof NotFound) return false; // not a collaborator
    throw error;
  }
}

/**
 * Logins whose latest review of the pull request approves it and who have write permission; a later
 * "changes requested" or dismissal by the same user withdraws their approval.
 */
export async function writeApprovals(gh: GitHubClient, repo: RepoRef, pullNumber: number): Promise<string[]> {
  const { data } = await gh.request<Array<{ user?: { login?: string } | null; state?: string }>>('GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
    owner: repo.owner,
    repo: repo.repo,
    pull_number: pullNumber,
    per_page: 100,
  });
  const latest = new Map<string, string>();
  for (const review of data ?? []) {
    const login = review.user?.login;
    if (!login || review.state === 'COMMENTED') continue;
    latest.set(login, review.state ?? '');
  }
  const approving = [...latest].filter(([, state]) => state === 'APPROVED').map(([login]) => login);
  const allowed: string[] = [];
  for (const login of approving) if (await hasWritePermission(gh, repo, login)) allowed.push(login);
  return allowed.sort();
}
