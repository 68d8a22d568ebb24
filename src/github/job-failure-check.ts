/**
 * Where a job's terminal failure is shown: a failing `courier/<job>` check run on the commit the job
 * read (the default branch's head), beside `courier/config`, so the people who watch that branch see
 * it in the commit's checks. One name per job, so a later failure on the same commit updates nothing
 * else; the next successful run on a newer commit leaves no failing check behind.
 * https://docs.github.com/en/rest/checks/runs#create-a-check-run
 */
import type { ProposalKind } from '../core/proposal/proposal.ts';
import type { GitHubClient } from './github-client.ts';
import type { RepoRef } from './repo-ref.ts';

/** Check-run names carry at most this much of a message's first line. */
const MAX_TITLE = 120;

/** Creates the failing check run; the message must already be free of secrets (adapters redact tokens). */
export async function showJobFailure(
  gh: GitHubClient,
  repo: RepoRef,
  failure: { sha: string; kind: ProposalKind; subject: string; message: string },
): Promise<void> {
  const firstLine = failure.message.split('\n')[0] ?? '';
  await gh.request('POST /repos/{owner}/{repo}/check-runs', {
    owner: repo.owner,
    repo: repo.repo,
    name: `courier/${failure.kind}`,
    head_sha: failure.sha,
    status: 'completed',
    conclusion: 'failure',
    output: {
      title: firstLine.length > MAX_TITLE ? `${firstLine.slice(0, MAX_TITLE - 1)}…` : firstLine,
      summary: `Courier's ${failure.kind} job for ${failure.subject} stopped:\n\n\`\`\`\n${failure.message}\n\`\`\`\n\nFix the cause above; the next event or resync runs the job again.`,
    },
  });
}
