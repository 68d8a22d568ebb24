/**
 * Runs one job for one repository: isolated checkout from the clone cache → plan (the job's pure
 * core) → the write path's state read made while planning → publish through the one write path with
 * the job's supersede rule → outcome. Re-plans once when the base moved under the plan
 * (StaleProposal); retries transient failures (git fetch, GitHub 5xx, rate limits) with backoff; shows
 * terminal failures where the user looks — a failing `courier/<job>` check run on the base commit —
 * and returns them as a `failed` outcome instead of throwing.
 */
import pRetry from 'p-retry';
import { validateCourierConfig } from '../core/config/index.ts';
import { parseMetadata } from '../core/proposal/names.ts';
import type { Proposal } from '../core/proposal/proposal.ts';
import type { CloneCache, RepoHandle } from '../git/clone-cache.ts';
import { readEarlyState } from '../github/early-state.ts';
import { courierPullRequestsOf } from '../github/open-pull-requests.ts';
import { RateLimited, StaleProposal } from '../github/errors.ts';
import { fromOctokit, type GitHubClient, type OctokitLike } from '../github/github-client.ts';
import { showJobFailure } from '../github/job-failure-check.ts';
import { publishWithSupersede, type SupersedeResult } from '../github/publish-with-supersede.ts';
import type { JobTarget } from '../app-deps.ts';
import type { Job } from './job.ts';
import type { OffThreadPlanner } from './plan-worker.ts';
import { hasPlanner } from './planners.ts';
import type { JobOutcome } from './job-outcome.ts';
import { isTransient } from './transient.ts';

/** What the runner needs. */
export interface JobRunnerDeps {
  cloneCache: CloneCache;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  now(): Date;
  /** Plans off the main thread (plan-worker.ts) the kinds the worker knows (planners.ts); in-thread otherwise. */
  planOffThread?: OffThreadPlanner;
  /** Backoff of transient retries; tests shorten it. */
  retry?: JobRetry;
}

/**
 * Backoff of transient retries: p-retry's `retries`, `minTimeout`, `maxTimeout` (ms), and
 * `rateLimitWait`, the longest Courier waits for a rate limit's reset before the next attempt.
 */
export interface JobRetry {
  retries?: number;
  minTimeout?: number;
  maxTimeout?: number;
  rateLimitWait?: number;
}

/** The longest a job waits for a rate limit's reset before its next attempt (GitHub's "at least a minute"). */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/** How long to wait before retrying after `error`: until a rate limit's reset, at most `cap` ms; 0 otherwise. */
function rateLimitPause(error: unknown, cap: number): number {
  if (!(error instanceof RateLimited) || !error.resetAt) return 0;
  return Math.max(0, Math.min(cap, error.resetAt.getTime() - Date.now()));
}

/** An installation token for git, from Probot's Octokit auth strategy. */
async function installationToken(octokit: JobTarget['octokit']): Promise<string> {
  const auth = (await octokit.auth({ type: 'installation' })) as { token: string };
  return auth.token;
}

/** The clone cache's handle of a target repository (git authenticates with an installation token). */
export function repoHandleOf(target: JobTarget): RepoHandle {
  return { owner: target.owner, repo: target.repo, cloneUrl: target.cloneUrl, token: () => installationToken(target.octokit) };
}

/** Runs `job` for `request` on `target`; never throws for a job failure (see the module comment). */
export async function runJob<R>(job: Job<R>, target: JobTarget, given: R, deps: JobRunnerDeps): Promise<JobOutcome[]> {
  const request = job.prepare ? await job.prepare(given) : given;
  const name = `${target.owner}/${target.repo}`;
  const gh = fromOctokit(target.octokit as unknown as OctokitLike);
  let lastSha: string | undefined;
  try {
    return await pRetry(
      async () => {
        try {
          return await attempt(job, target, request, deps, gh, (sha) => (lastSha = sha));
        } catch (error) {
          if (!(error instanceof StaleProposal)) throw error;
          // The base moved between the plan and the write: plan once more from the fresh base.
          deps.log.info({ repo: name, job: job.kind }, `re-planning: ${error.message}`);
          return await attempt(job, target, request, deps, gh, (sha) => (lastSha = sha));
        }
      },
      {
        retries: deps.retry?.retries ?? 3,
        minTimeout: deps.retry?.minTimeout ?? 1000,
        maxTimeout: deps.retry?.maxTimeout ?? 15_000,
        randomize: true,
        shouldRetry: (error) => isTransient(error),
        onFailedAttempt: async (error) => {
          if (!isTransient(error)) return;
          const pause = rateLimitPause(error, deps.retry?.rateLimitWait ?? DEFAULT_RATE_LIMIT_WAIT_MS);
          deps.log.warn({ repo: name, job: job.kind, attempt: error.attemptNumber, ...(pause > 0 ? { pauseMs: pause } : {}) }, `transient failure, retrying: ${error.message}`);
          // p-retry awaits this before its own backoff: a rate limit is waited out, not retried into.
          if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
        },
      },
    );
  } catch (error) {
    if (isTransient(error)) throw error; // retries spent: the next resync tries again
    const message = (error as Error).message;
    deps.log.warn({ repo: name, job: job.kind }, `${job.kind} job failed for ${job.describe(request)}: ${message}`);
    const environment = job.header(validConfig(target), request)?.environment ?? '';
    if (lastSha) await showJobFailure(gh, target, { sha: lastSha, kind: job.kind, subject: job.describe(request), message }).catch(() => undefined);
    return [{ kind: job.kind, environment, action: 'failed', error: message }];
  }
}

function validConfig(target: JobTarget) {
  const validated = validateCourierConfig(target.config);
  if (!validated.ok) throw new Error(`${target.owner}/${target.repo}: config became invalid before planning`);
  return validated.config;
}

async function attempt<R>(job: Job<R>, target: JobTarget, request: R, deps: JobRunnerDeps, gh: GitHubClient, seen: (sha: string) => void): Promise<JobOutcome[]> {
  const config = validConfig(target);
  const handle = repoHandleOf(target);
  const repo = { owner: target.owner, repo: target.repo };
  const header = job.header(config, request);
  const early = header ? readEarlyState(gh, repo, { ...header, base: target.defaultBranch }, { listOpen: true }) : undefined;
  const proposal: Proposal = await deps.cloneCache.withCheckout(handle, target.defaultBranch, async (checkout) => {
    seen(checkout.sha);
    if (early) early.baseSha = checkout.sha;
    const { files } = await checkout.readFiles((path) => job.reads(path));
    const input = { files, config, sha: checkout.sha };
    const plan = (r: R): Promise<Proposal> | Proposal => (deps.planOffThread && hasPlanner(job.kind) ? deps.planOffThread(job.kind, input, r) : job.plan(input, r));
    let planned = await plan(request);
    if (early && job.withOpenProposals) {
      // Usually answered by now: the read started before the checkout.
      const state = await early.state;
      const open = courierPullRequestsOf(state?.openPullRequests ?? [], (body) => parseMetadata(body) ?? null);
      const widened = job.withOpenProposals(request, open, config);
      if (widened !== request) planned = await plan(widened);
    }
    deps.log.info(
      { repo: `${target.owner}/${target.repo}`, job: job.kind, sha: checkout.sha, changes: planned.changeSet.changes.length, warnings: planned.changeSet.warnings.length },
      `planned ${job.kind} job`,
    );
    return { ...planned, base: target.defaultBranch };
  });
  const result = await publishWithSupersede(gh, repo, proposal, {
    rule: job.rule,
    strategy: config.pullRequests.supersede,
    parseMetadata: (body) => parseMetadata(body) ?? null,
    now: () => deps.now(),
    singleRead: true,
    ...(early ? { early } : {}),
  });
  for (const warning of result.warnings) deps.log.warn({ repo: `${target.owner}/${target.repo}`, code: warning.code }, warning.message);
  return [outcomeOf(job.kind, proposal.environment, result)];
}

/** The write path's verdict in the App's terms. */
export function outcomeOf(kind: JobOutcome['kind'], environment: string, result: SupersedeResult): JobOutcome {
  const action = ({ created: 'opened', updated: 'updated', unchanged: 'unchanged', 'nothing-to-do': 'nothing', 'dry-run': 'nothing' } as const)[result.action];
  return {
    kind,
    environment,
    action,
    ...(result.number && result.url ? { pullRequest: { number: result.number, url: result.url } } : {}),
    ...(result.headSha ? { headSha: result.headSha } : {}),
    ...(result.superseded.length > 0 ? { superseded: result.superseded.map((number) => ({ number })) } : {}),
  };
}
