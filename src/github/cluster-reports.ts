/**
 * What a cluster's reporter said about a commit, as gates read it: Courier's own
 * `courier/<env>/<cluster>` check runs on the commit that changed what the cluster applies and on the
 * default branch's head (which descends from it), oldest first. Any app with `checks:write` could name
 * a run that way; only Courier's (by App id) count.
 */
import type { ClusterReport } from '../core/promotion/evaluate-gates.ts';
import { reportOf } from '../core/promotion/promotion-step.ts';
import { formatCheckRunName } from '../core/reconcile/check-run-name.ts';
import { listCheckRuns } from './check-runs.ts';
import type { GitHubClient } from './github-client.ts';

/** The cluster's reports on `changed` and `head` (one read when they are the same commit). */
export async function clusterReports(
  gh: GitHubClient,
  repo: { owner: string; repo: string },
  cluster: { cluster: string; environment: string },
  changed: string,
  head: string,
  appId: number | undefined,
): Promise<ClusterReport[]> {
  const name = formatCheckRunName(cluster.environment, cluster.cluster);
  const out: ClusterReport[] = [];
  for (const sha of changed === head ? [head] : [changed, head]) {
    for (const run of await listCheckRuns(gh, repo, sha, name)) {
      if (appId !== undefined && run.appId !== null && run.appId !== appId) continue;
      if (run.name !== name) continue;
      const report = reportOf(cluster.cluster, run);
      if (report) out.push(report);
    }
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The newest pull request (open, or in any state) whose head is `branch` in the repository itself. */
export async function findPullRequest(gh: GitHubClient, repo: { owner: string; repo: string }, branch: string, state: 'open' | 'all'): Promise<number | undefined> {
  const { data } = await gh.request<Array<{ number: number; head: { ref: string } }>>('GET /repos/{owner}/{repo}/pulls', { ...repo, state, head: `${repo.owner}:${branch}`, per_page: 5 });
  // The newest (a branch may have had PRs before); GitHub lists newest first, other servers may not.
  const numbers = (data ?? []).filter((p) => p.head.ref === branch).map((p) => p.number);
  return numbers.length > 0 ? Math.max(...numbers) : undefined;
}
