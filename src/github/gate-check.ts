/**
 * A gate check run on a pull request's head (`courier/gate/<env>` of a promotion, `courier/rollout/<app>`
 * of a rollout step): `success` only when every gate is open, `failure` when one is blocked, in
 * progress while one waits — so auto-merge plus a required check merges exactly then. An evaluation
 * that changes nothing writes nothing.
 */
import type { GateVerdict } from '../core/promotion/evaluate-gates.ts';
import type { JobOutcome } from '../jobs/job-outcome.ts';
import { createCheckRun, listCheckRuns, updateCheckRun } from './check-runs.ts';
import type { GitHubClient } from './github-client.ts';

type Repo = { owner: string; repo: string };

/** Creates or updates the gate check run `name` on the PR's head commit. */
export async function writeGateCheck(gh: GitHubClient, repo: Repo, pull: number, name: string, text: { title: string; summary: string }, verdict: GateVerdict, now: Date, outcome: Pick<JobOutcome, 'action' | 'headSha'>): Promise<void> {
  // The write path knows the head it wrote; only an unchanged PR needs asking.
  const sha =
    outcome.headSha ??
    (await gh.request<{ head: { sha: string } }>('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner: repo.owner, repo: repo.repo, pull_number: pull })).data.head.sha;
  const blocked = verdict.gates.some((g) => g.state === 'blocked');
  const body = verdict.open
    ? { status: 'completed' as const, conclusion: 'success', completed_at: now.toISOString(), output: text }
    : blocked
      ? { status: 'completed' as const, conclusion: 'failure', completed_at: now.toISOString(), output: text }
      : { status: 'in_progress' as const, output: text };
  // A head commit the write path just made carries no gate run yet.
  const fresh = outcome.action === 'opened' || outcome.action === 'updated';
  const [existing] = fresh ? [] : await listCheckRuns(gh, repo, sha, name);
  const same = existing && existing.status === body.status && (existing.conclusion ?? undefined) === ('conclusion' in body ? body.conclusion : undefined) && existing.title === text.title && existing.summary === text.summary;
  if (same) return;
  if (existing) await updateCheckRun(gh, repo, existing.id, body);
  else await createCheckRun(gh, repo, { name, head_sha: sha, ...body });
}

/** Sets the gate of the open PR of `branch` (if any) to what a blocked or waiting verdict says. */
export async function closeGate(gh: GitHubClient, repo: Repo, branch: string, name: string, text: { title: string; summary: string }, verdict: GateVerdict, now: Date): Promise<number | undefined> {
  const { data } = await gh.request<Array<{ number: number; head: { ref: string; sha: string } }>>('GET /repos/{owner}/{repo}/pulls', { ...repo, state: 'open', head: `${repo.owner}:${branch}`, per_page: 5 });
  const pr = (data ?? []).find((p) => p.head.ref === branch);
  if (pr) await writeGateCheck(gh, repo, pr.number, name, text, verdict, now, { action: 'unchanged', headSha: pr.head.sha });
  return pr?.number;
}
