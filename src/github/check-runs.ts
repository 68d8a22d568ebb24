/**
 * Check runs through the GitHub client: create, update, find Courier's run of a name on a commit, and
 * read what the gates need (every `courier/…` run of a commit with its conclusion and times).
 * https://docs.github.com/en/rest/checks/runs
 */
import type { GitHubClient } from './github-client.ts';
import type { RepoRef } from './repo-ref.ts';

/** A check run as Courier reads it back. */
export interface CheckRunRecord {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  externalId: string | null;
  startedAt: string | null;
  completedAt: string | null;
  /** The GitHub App that wrote it: gates trust only Courier's own runs. */
  appId: number | null;
  title: string | null;
  summary: string | null;
}

/** What a check run says: status, conclusion when completed, title and summary. */
export interface CheckRunBody {
  status: 'queued' | 'in_progress' | 'completed';
  conclusion?: string;
  completed_at?: string;
  output: { title: string; summary: string; annotations?: CheckRunAnnotation[] };
}

/** A line-level finding shown in the check run and the pull request's diff (at most 50 per request). */
export interface CheckRunAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  title?: string;
  message: string;
}

interface RawRun {
  id: number;
  name: string;
  status: string;
  conclusion?: string | null;
  external_id?: string | null;
  started_at?: string | null;
  completed_at?: string | null;
  app?: { id?: number } | null;
  output?: { title?: string | null; summary?: string | null } | null;
}

const record = (r: RawRun): CheckRunRecord => ({
  id: r.id,
  name: r.name,
  status: r.status,
  conclusion: r.conclusion ?? null,
  externalId: r.external_id ?? null,
  startedAt: r.started_at ?? null,
  completedAt: r.completed_at ?? null,
  appId: r.app?.id ?? null,
  title: r.output?.title ?? null,
  summary: r.output?.summary ?? null,
});

/** Creates a check run on `sha`; returns its id. */
export async function createCheckRun(
  gh: GitHubClient,
  repo: RepoRef,
  run: CheckRunBody & { name: string; head_sha: string; external_id?: string; started_at?: string },
): Promise<number> {
  const { data } = await gh.request<{ id: number }>('POST /repos/{owner}/{repo}/check-runs', { owner: repo.owner, repo: repo.repo, ...run });
  return data.id;
}

/** Updates a check run Courier created. */
export async function updateCheckRun(gh: GitHubClient, repo: RepoRef, id: number, body: CheckRunBody): Promise<void> {
  await gh.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { owner: repo.owner, repo: repo.repo, check_run_id: id, ...body });
}

/** The latest runs of a commit, optionally of one name (at most 100: Courier writes one per cluster). */
export async function listCheckRuns(gh: GitHubClient, repo: RepoRef, sha: string, name?: string): Promise<CheckRunRecord[]> {
  const { data } = await gh.request<{ check_runs?: RawRun[] }>('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
    owner: repo.owner,
    repo: repo.repo,
    ref: sha,
    ...(name ? { check_name: name } : {}),
    filter: 'latest',
    per_page: name ? 20 : 100,
  });
  return (data?.check_runs ?? []).map(record);
}

/** The committer date of a commit, or undefined when GitHub cannot say. */
export async function commitTime(gh: GitHubClient, repo: RepoRef, sha: string): Promise<Date | undefined> {
  const { data } = await gh.request<{ commit?: { committer?: { date?: unknown } } }>('GET /repos/{owner}/{repo}/commits/{ref}', { owner: repo.owner, repo: repo.repo, ref: sha });
  const date = data?.commit?.committer?.date;
  return typeof date === 'string' ? new Date(date) : undefined;
}
