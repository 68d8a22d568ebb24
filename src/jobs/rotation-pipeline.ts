/**
 * The SOPS key rotation in the App, level-triggered like promotions and rollouts. Step 1 starts on
 * `/courier rotate-keys`, a `courier-rotate-keys` dispatch or the `sops.maxKeyAge` schedule (at
 * resync). Its state is read from Git: a configured key Secret holding a new key after the marker
 * means step 1 is merged. Then, at every trigger (push, a cluster's check run, resync), Courier reads
 * its own `courier/<env>/<cluster>` runs for every affected cluster on the commit that merged step 1
 * (or a descendant); when all applied it healthily (plus the environments' soak), step 2 is opened
 * through the one write path and linked from step 1. A cluster that failed halts it: a comment on
 * step 1 saying which and why, and the halt on the dashboard, until that cluster reports healthy.
 */
import picomatch from 'picomatch';
import type { JobTarget } from '../app-deps.ts';
import { parseDuration, validateCourierConfig, type CourierConfig } from '../core/config/index.ts';
import type { FleetStateStore } from '../core/fleet-state/fleet-state.ts';
import { rotationBranch, rotationStatus } from '../core/key-rotation/index.ts';
import { evaluateGates, type ClusterReport } from '../core/promotion/evaluate-gates.ts';
import { environmentOf } from '../core/repo-model/environment-of.ts';
import { clusterOf } from '../core/rollout/rollout-walk.ts';
import type { AgeIdentity } from '../core/sops/index.ts';
import { clusterReports, findPullRequest } from '../github/cluster-reports.ts';
import { fromOctokit, type GitHubClient, type OctokitLike } from '../github/github-client.ts';
import type { JobOutcome } from './job-outcome.ts';
import { repoHandleOf, runJob, type JobRunnerDeps } from './job-runner.ts';
import { createRotationJob } from './rotation-job.ts';

/** What the pipeline needs besides the runner's deps. */
export interface RotationPipelineDeps extends JobRunnerDeps {
  fleetState(target: JobTarget): FleetStateStore;
  /** Courier's age identities (SOPS_AGE_KEY / SOPS_AGE_KEY_FILE). */
  identities(): Promise<AgeIdentity[]>;
  appId?: number;
  timers?: { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };
}

/** One evaluation, for logs and tests. */
export interface RotationReport {
  state: 'off' | 'idle' | 'waiting' | 'halted' | 'finishing' | 'started';
  detail: string;
  outcome?: JobOutcome;
}

type Repo = { owner: string; repo: string };
const NO_KEY = 'Courier holds no age key: set SOPS_AGE_KEY or SOPS_AGE_KEY_FILE on the App (an identity that can open the key Secrets), then ask again';

/** Builds the pipeline. */
export function createRotationPipeline(deps: RotationPipelineDeps) {
  const job = createRotationJob();
  const timers = deps.timers ?? {
    set: (fn: () => void, ms: number) => setTimeout(fn, Math.min(ms, 2 ** 31 - 1)).unref(),
    clear: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
  };
  const pending = new Map<string, unknown>();

  const keySecretFilter = (config: CourierConfig) => {
    const match = picomatch(config.sops.keySecrets.map((k) => k.path), { dot: true });
    return (p: string) => match(p);
  };

  /** Step 1, unless a rotation is already under way; returns what happened, one sentence. */
  async function start(target: JobTarget, by: string): Promise<string> {
    const validated = validateCourierConfig(target.config);
    if (!validated.ok) return 'the config is invalid (see the courier/config check); nothing was changed';
    const config = validated.config;
    if (config.sops.keySecrets.length === 0) return 'no Flux key Secret is configured: list them under sops.keySecrets in .github/courier.yml; nothing was changed';
    const identities = await deps.identities();
    if (identities.length === 0) return `${NO_KEY}; nothing was changed`;
    const gh = fromOctokit(target.octokit as unknown as OctokitLike);
    const repo = { owner: target.owner, repo: target.repo };
    for (const step of ['start', 'finish'] as const) {
      const open = await findPullRequest(gh, repo, rotationBranch(step), 'open');
      if (open) return `a key rotation is already under way: step ${step === 'start' ? 1 : 2} is #${open}`;
    }
    const status = await deps.cloneCache.withCheckout(repoHandleOf(target), target.defaultBranch, async (checkout) =>
      rotationStatus((await checkout.readFiles(keySecretFilter(config))).files, identities, config.sops.keySecrets),
    );
    if (status.state === 'started') return 'step 1 of a key rotation is merged already: Courier opens step 2 once every affected cluster applied it';
    const [outcome] = await runJob(job, target, { kind: 'rotation', step: 'start', identities, now: deps.now() }, deps);
    if (!outcome || outcome.action === 'failed') return outcome?.error ?? 'the rotation could not be planned';
    deps.log.info({ repo: `${target.owner}/${target.repo}` }, `key rotation started by ${by}`);
    return outcome.pullRequest ? `step 1 of the key rotation is #${outcome.pullRequest.number}; merge it, and Courier opens step 2 once every affected cluster applied it` : 'no SOPS file uses the keys of the configured key Secrets: nothing to rotate';
  }

  /** Progress between the steps; with `schedule`, also starts a rotation when a key is older than `sops.maxKeyAge`. */
  async function evaluate(target: JobTarget, opts: { schedule?: boolean } = {}): Promise<RotationReport> {
    const validated = validateCourierConfig(target.config);
    if (!validated.ok || validated.config.sops.keySecrets.length === 0) return { state: 'off', detail: 'no sops.keySecrets configured' };
    const config = validated.config;
    const identities = await deps.identities();
    if (identities.length === 0) return { state: 'off', detail: NO_KEY };
    const gh = fromOctokit(target.octokit as unknown as OctokitLike);
    const repo = { owner: target.owner, repo: target.repo };
    const filter = keySecretFilter(config);
    const read = await deps.cloneCache.withCheckout(repoHandleOf(target), target.defaultBranch, async (checkout) => {
      const status = await rotationStatus((await checkout.readFiles(filter)).files, identities, config.sops.keySecrets);
      const changed = await checkout.lastChange?.(config.sops.keySecrets.map((k) => k.path));
      return { head: checkout.sha, status, changed };
    });
    if (read.status.state === 'idle') {
      if (opts.schedule && config.sops.maxKeyAge && read.changed && !(await findPullRequest(gh, repo, rotationBranch('start'), 'open'))) {
        const { data } = await gh.request<{ commit: { committer: { date: string } } }>('GET /repos/{owner}/{repo}/commits/{ref}', { ...repo, ref: read.changed });
        const age = deps.now().getTime() - new Date(data.commit.committer.date).getTime();
        if (age > parseDuration(config.sops.maxKeyAge)) {
          const text = await start(target, `the schedule (keys last changed ${data.commit.committer.date}, sops.maxKeyAge ${config.sops.maxKeyAge})`);
          return { state: 'started', detail: text };
        }
      }
      return { state: 'idle', detail: 'no rotation under way' };
    }
    if (await findPullRequest(gh, repo, rotationBranch('finish'), 'open')) return { state: 'finishing', detail: 'step 2 is open' };
    const merged = read.changed!;
    const clusters = affectedClusters(read.status.secrets, config);
    const reports: ClusterReport[] = [];
    for (const c of clusters) reports.push(...(await clusterReports(gh, repo, c, merged, read.head, deps.appId)));
    const soaks = [...new Set(clusters.map((c) => c.environment))].map((e) => config.environments.find((x) => x.name === e)?.gates.soak).filter((s): s is string => Boolean(s));
    const now = deps.now();
    const verdict = evaluateGates({ clusters: clusters.map((c) => c.cluster), reports, soakMs: Math.max(0, ...soaks.map(parseDuration)), windows: [], requireApproval: false, approvals: [], holds: [], now });
    const health = verdict.gates.find((g) => g.gate === 'health')!;
    const store = deps.fleetState(target);
    const startPr = await findPullRequest(gh, repo, rotationBranch('start'), 'all');
    if (health.state === 'blocked') {
      const failed = clusters.filter((c) => reports.filter((r) => r.cluster === c.cluster).at(-1)?.state === 'failure').map((c) => c.cluster);
      let fresh = false;
      await store.update((s) => {
        if (s.rotationHalt && s.rotationHalt.clusters.join() === failed.join()) return s;
        fresh = true;
        return { ...s, rotationHalt: { clusters: failed, reason: `failed to apply ${merged.slice(0, 7)}`, at: now.toISOString() } };
      });
      if (fresh && startPr) {
        await gh.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
          ...repo,
          issue_number: startPr,
          body: `⛔ The key rotation is halted: ${failed.join(', ')} reported a failed reconcile of ${merged.slice(0, 7)} (step 1). Step 2 stays closed, so the old key keeps working; fix the cluster (is its decryption Secret holding both keys?), and Courier opens step 2 once every affected cluster (${clusters.map((c) => c.cluster).join(', ')}) reports healthy.`,
        });
      }
      return { state: 'halted', detail: `${failed.join(', ')} failed to apply step 1` };
    }
    // A halt that no longer holds (the clusters recovered) is lifted.
    await store.update((s) => (s.rotationHalt ? (({ rotationHalt: _gone, ...rest }) => rest)(s) : s));
    if (!verdict.open) {
      const key = `${target.owner}/${target.repo}`;
      const previous = pending.get(key);
      if (previous !== undefined) timers.clear(previous);
      if (verdict.recheckAt) pending.set(key, timers.set(() => void evaluate(target).catch(() => undefined), Math.max(1000, verdict.recheckAt.getTime() - now.getTime() + 1000)));
      return { state: 'waiting', detail: verdict.gates.filter((g) => g.state !== 'open').map((g) => `${g.gate}: ${g.detail}`).join('; ') };
    }
    const [outcome] = await runJob(job, target, { kind: 'rotation', step: 'finish', identities, now, ...(startPr ? { startPullRequest: startPr } : {}) }, deps);
    if (outcome?.action === 'opened' && outcome.pullRequest && startPr) {
      await gh.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...repo,
        issue_number: startPr,
        body: `Every affected cluster (${clusters.map((c) => c.cluster).join(', ')}) applied this step healthily: step 2 is #${outcome.pullRequest.number} (every file re-encrypted for the new keys only).`,
      });
    }
    return { state: 'finishing', detail: 'step 2 opened', ...(outcome ? { outcome } : {}) };
  }



  return { start, evaluate, job };
}

/**
 * The clusters that must apply step 1 before step 2: the cluster each key Secret belongs to (its
 * environment's only cluster, or the one its path names), every cluster of its environment when
 * that is ambiguous, and every configured cluster for a key Secret in no environment.
 */
export function affectedClusters(secrets: readonly string[], config: CourierConfig): Array<{ cluster: string; environment: string }> {
  const out = new Map<string, { cluster: string; environment: string }>();
  const all = config.environments.flatMap((e) => e.clusters.map((cluster) => ({ cluster, environment: e.name })));
  for (const file of secrets) {
    const owner = clusterOf(file, config);
    if (owner) {
      out.set(owner.cluster, owner);
      continue;
    }
    const env = config.environments.find((e) => e.name === environmentOf(file, config));
    for (const c of env ? env.clusters.map((cluster) => ({ cluster, environment: env.name })) : all) out.set(c.cluster, c);
  }
  return [...out.values()];
}
