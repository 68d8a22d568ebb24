/**
 * Every job the App runs, by kind: adding a job is one file in this folder, one line in `JobRequest`
 * and one `case` below (plus its resync contribution in `createResync`, when it has one).
 */
import type { JobTarget } from '../app-deps.ts';
import type { Release } from '../core/image-update/release.ts';
import { createImageJob, type ImageRequest } from './image-job.ts';
import { createImageResync } from './image-resync.ts';
import type { JobOutcome } from './job-outcome.ts';
import { runJob, type JobRunnerDeps } from './job-runner.ts';
import { EMPTY_FLEET_STATE, isRejected, type FleetStateStore } from '../core/fleet-state/fleet-state.ts';
import { DashboardCache, githubDashboard } from '../github/dashboard-issue.ts';
import { fromOctokit, type OctokitLike } from '../github/github-client.ts';
import { createPromotionPipeline, type StepReport } from './promotion-pipeline.ts';
import { createRolloutPipeline } from './rollout-pipeline.ts';
import { createRotationPipeline } from './rotation-pipeline.ts';
import { checkSecrets, type PullRequestHead } from './secrets-check.ts';
import type { AgeIdentity } from '../core/sops/index.ts';

/** A request for any job, tagged with its kind. */
export type JobRequest = ImageRequest;

/** What the jobs need besides the runner's deps. */
export interface JobsDeps extends JobRunnerDeps {
  /** Completes a release (digest, source labels) before planning. */
  describeRelease?: (release: Release) => Promise<Release>;
  /** Registry tags of an image, for the image job's resync. */
  listTags(repository: string): Promise<string[]>;
  /** The repository's fleet state (holds, rejections, freezes); in memory per repository when absent. */
  fleetState?(target: JobTarget): FleetStateStore;
  /** Courier's GitHub App id (gates trust only its own check runs). */
  appId?: number;
  /** Courier's age identities (the App's SOPS_AGE_KEY / SOPS_AGE_KEY_FILE), for the secrets check's MACs. */
  identities?(): Promise<AgeIdentity[]>;
}

/** `AppDeps.runJob` and `AppDeps.resync` over every job kind. */
export function createJobs(deps: JobsDeps): {
  runJob: (target: JobTarget, request: JobRequest) => Promise<JobOutcome[]>;
  resync: (target: JobTarget) => Promise<JobOutcome[]>;
  promote: (target: JobTarget, only?: { to?: string }) => Promise<StepReport[]>;
  fleetState: (target: JobTarget) => FleetStateStore;
  explain: (target: JobTarget) => Promise<StepReport[]>;
  rollback: (target: JobTarget, environment: string, by: string) => Promise<JobOutcome | string>;
  checkSecrets: (target: JobTarget, pr: PullRequestHead) => Promise<unknown>;
  rollout: Pick<ReturnType<typeof createRolloutPipeline>, 'stage' | 'control' | 'rollbackCluster' | 'evaluate'>;
  rotation: Pick<ReturnType<typeof createRotationPipeline>, 'start' | 'evaluate'>;
} {
  const image = createImageJob(deps.describeRelease ? { describeRelease: deps.describeRelease } : {});
  // Holds, rejections and freezes live in the repository's dashboard issue (GitHub), not in memory.
  const dashboards = new DashboardCache();
  const dashboardOf = (target: JobTarget) => githubDashboard(fromOctokit(target.octokit as unknown as OctokitLike), { owner: target.owner, repo: target.repo }, dashboards);
  const fleetState = deps.fleetState ?? dashboardOf;

  const runJobFor = async (target: JobTarget, request: JobRequest): Promise<JobOutcome[]> => {
    switch (request.kind) {
      case 'image': {
        // A version a cluster failed on is never proposed again until someone releases it.
        const state = await fleetState(target).read().catch((error: unknown) => {
          deps.log.warn({ repo: `${target.owner}/${target.repo}` }, `${(error as Error).message}; rejections are not applied to this release`);
          return EMPTY_FLEET_STATE;
        });
        const releases = request.releases.filter((r) => !isRejected(state, r.repository, r.tag));
        if (releases.length < request.releases.length) {
          const dropped = request.releases.filter((r) => !releases.includes(r)).map((r) => `${r.repository}:${r.tag}`);
          deps.log.info({ repo: `${target.owner}/${target.repo}` }, `not proposing rejected ${dropped.join(', ')} (/courier release lifts a rejection)`);
        }
        if (releases.length === 0) return [{ kind: 'image', environment: '', action: 'nothing' }];
        return runJob(image, target, { ...request, releases }, deps);
      }
    }
  };
  const promotion = createPromotionPipeline({ ...deps, fleetState, ...(deps.fleetState ? {} : { dashboard: dashboardOf }) });
  const identities = deps.identities ?? (async () => []);
  const rollouts = createRolloutPipeline({ ...deps, fleetState });
  // Rollouts move on the same triggers as promotions (a push, a cluster's check run, resync, a command).
  const rolloutsOf = (target: JobTarget) =>
    rollouts.evaluate(target).catch((error: unknown) => {
      deps.log.warn({ repo: `${target.owner}/${target.repo}` }, `rollout evaluation failed: ${(error as Error).message}; the next trigger or resync retries it`);
      return [];
    });
  const rotation = createRotationPipeline({ ...deps, fleetState, identities });
  const rotationOf = (target: JobTarget, opts: { schedule?: boolean } = {}) =>
    rotation.evaluate(target, opts).catch((error: unknown) => {
      deps.log.warn({ repo: `${target.owner}/${target.repo}` }, `key rotation evaluation failed: ${(error as Error).message}; the next trigger or resync retries it`);
      return undefined;
    });
  const evaluateAll = async (target: JobTarget, only?: { to?: string }): Promise<StepReport[]> => {
    const reports = await promotion.evaluate(target, only);
    if (!only?.to) {
      await rolloutsOf(target);
      await rotationOf(target);
    }
    return reports;
  };
  // The resync re-reads the dashboard (someone may have edited it) and refreshes what it shows.
  const promotionOutcomes = async (target: JobTarget): Promise<JobOutcome[]> => {
    dashboards.forget({ owner: target.owner, repo: target.repo });
    const steps = await promotion.evaluate(target, { refresh: true });
    const walks = await rolloutsOf(target);
    const keys = await rotationOf(target, { schedule: true });
    return [...steps.flatMap((step) => (step.outcome ? [step.outcome] : [])), ...walks.flatMap((w) => (w.outcome ? [w.outcome] : [])), ...(keys?.outcome ? [keys.outcome] : [])];
  };
  const resyncs = [createImageResync({ listTags: deps.listTags, runJob: runJobFor, log: deps.log, now: deps.now }), promotionOutcomes];
  return {
    runJob: runJobFor,
    async resync(target) {
      const outcomes: JobOutcome[] = [];
      for (const resync of resyncs) outcomes.push(...(await resync(target)));
      return outcomes;
    },
    promote: coalesced(evaluateAll),
    fleetState,
    explain: (target) => promotion.evaluate(target, { dryRun: true }),
    rollback: (target, environment, by) => promotion.rollbackNow(target, environment, by),
    rollout: rollouts,
    rotation,
    checkSecrets: (target, pr) => checkSecrets(target, pr, { cloneCache: deps.cloneCache, identities, now: deps.now }),
  };
}

/**
 * One evaluation per repository at a time: triggers that arrive while one runs share exactly one
 * more run after it (level-triggered, so that run sees everything the joined triggers would).
 */
function coalesced(evaluate: (target: JobTarget, only?: { to?: string }) => Promise<StepReport[]>): (target: JobTarget, only?: { to?: string }) => Promise<StepReport[]> {
  const tails = new Map<string, Promise<unknown>>();
  const queued = new Map<string, { run: Promise<StepReport[]>; only: { to?: string } | undefined }>();
  return (target, only) => {
    const key = `${target.owner}/${target.repo}`;
    const waiting = queued.get(key);
    if (waiting) {
      if (waiting.only?.to !== only?.to) waiting.only = undefined; // joined by another ask: every step
      return waiting.run;
    }
    const entry: { run: Promise<StepReport[]>; only: { to?: string } | undefined } = { run: Promise.resolve([]), only };
    entry.run = (tails.get(key) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        queued.delete(key);
        return evaluate(target, entry.only);
      });
    queued.set(key, entry);
    const tail = entry.run.catch(() => undefined).finally(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    tails.set(key, tail);
    return entry.run;
  };
}
