/**
 * The promotion pipeline, level-triggered: at every trigger (push, a cluster's check run, resync, a
 * dispatch or command) each step *k → k+1* is computed again from Git and GitHub alone — the commit
 * that last changed *k* (git log over *k*'s globs), the `courier/<k>/<cluster>` check runs on it and
 * on the default branch's head, the fleet state kept in GitHub — so a lost webhook or a restart loses
 * nothing. When every cluster of *k* applied the change healthily the step's PR is written through the
 * one write path; a `courier/gate/<k+1>` check run on its head lists every gate, and turns `success`
 * only when all hold (so auto-merge plus a required check merges exactly then). A soak or window that
 * ends re-evaluates on its own (a timer). A cluster that fails rejects the versions *k* would promote.
 */
import type { JobTarget } from '../app-deps.ts';
import { validateCourierConfig, type CourierConfig } from '../core/config/index.ts';
import type { FleetState, FleetStateStore, Rejection } from '../core/fleet-state/fleet-state.ts';
import { planPromotion } from '../core/promotion/plan-promotion.ts';
import { readInventory, type Inventory } from '../core/promotion/read-inventory.ts';
import type { ClusterHealth } from '../core/dashboard/render-dashboard.ts';
import { formatCheckRunName } from '../core/reconcile/check-run-name.ts';
import type { DashboardContent } from '../github/dashboard-issue.ts';
import { decidePromotionStep, gateSummary, type StepCheckRun, type StepDecision } from '../core/promotion/promotion-step.ts';
import { formatBranch } from '../core/proposal/names.ts';
import { listCheckRuns } from '../github/check-runs.ts';
import { closeGate, writeGateCheck } from '../github/gate-check.ts';
import { fromOctokit, type GitHubClient, type OctokitLike } from '../github/github-client.ts';
import { writeApprovals } from '../github/write-permission.ts';
import type { JobOutcome } from './job-outcome.ts';
import { repoHandleOf, runJob, type JobRunnerDeps } from './job-runner.ts';
import { createPromotionJob } from './promotion-job.ts';
import { createRollbackJob } from './rollback-job.ts';

/** The check run on a promotion PR's head that carries its gates. */
export const gateCheckName = (environment: string): string => `courier/gate/${environment}`;

/** What the pipeline needs besides the runner's deps. */
export interface PromotionPipelineDeps extends JobRunnerDeps {
  /** The repository's fleet state (holds, rejections, freezes), kept in GitHub. */
  fleetState(target: JobTarget): FleetStateStore;
  /** The repository's dashboard issue, refreshed at resync (`refresh`); absent = no dashboard. */
  dashboard?(target: JobTarget): { show(content: DashboardContent): Promise<void> };
  /** Courier's GitHub App id: runs written by any other app never open a gate. */
  appId?: number;
  /** Timers for soak and window ends; tests pass a fake. Handles are unref'd by the default. */
  timers?: { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };
}

/** One step's evaluation, for logs, commands (`/courier plan`) and the dashboard. */
export interface StepReport {
  from: string;
  to: string;
  /** The commit that last changed `from`, when any. */
  change?: string;
  decision?: StepDecision;
  outcome?: JobOutcome;
  /** With `rollback: auto`, what the rollback of the source environment did (or why it could not). */
  rollback?: JobOutcome | string;
  /** Why the step was not evaluated (no clusters, nothing changed yet). */
  skipped?: string;
}

/** Builds the pipeline: `evaluate(target)` runs every step of the repository once. */
export function createPromotionPipeline(deps: PromotionPipelineDeps) {
  const job = createPromotionJob();
  const rollbackJob = createRollbackJob();
  const timers = deps.timers ?? {
    set: (fn: () => void, ms: number) => setTimeout(fn, Math.min(ms, 2 ** 31 - 1)).unref(),
    clear: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
  };
  const pending = new Map<string, unknown>();
  /** Steps whose PR this process last saw open (a hint for the write path, never a decision). */
  const withPr = new Set<string>();

  function schedule(target: JobTarget, key: string, at: Date | undefined, now: Date): void {
    const previous = pending.get(key);
    if (previous !== undefined) timers.clear(previous);
    pending.delete(key);
    if (!at) return;
    const ms = Math.max(1000, at.getTime() - now.getTime() + 1000);
    pending.set(
      key,
      timers.set(() => {
        pending.delete(key);
        evaluate(target).catch((error: unknown) => deps.log.warn({ repo: `${target.owner}/${target.repo}` }, `scheduled promotion check failed: ${(error as Error).message}`));
      }, ms),
    );
  }

  async function evaluate(target: JobTarget, only?: { to?: string; dryRun?: boolean; refresh?: boolean }): Promise<StepReport[]> {
    const validated = validateCourierConfig(target.config);
    if (!validated.ok) return [];
    const config = validated.config;
    const steps = config.environments.slice(0, -1).map((from, i) => ({ from, to: config.environments[i + 1]! })).filter((s) => !only?.to || s.to.name === only.to);
    if (steps.length === 0) return [];
    const repo = { owner: target.owner, repo: target.repo };
    const gh = fromOctokit(target.octokit as unknown as OctokitLike);
    const handle = repoHandleOf(target);
    // One look at Git for every step: the head and the last change of each source environment.
    const { head, changes, inventories } = await deps.cloneCache.withCheckout(handle, target.defaultBranch, async (checkout) => {
      const found = new Map<string, string | undefined>();
      for (const step of steps) found.set(step.from.name, await checkout.lastChange?.(step.from.paths));
      // The dashboard's version table, read at resync only: the hot path reads no file.
      const files = only?.refresh && deps.dashboard ? (await checkout.readFiles((p) => /\.ya?ml$/i.test(p) || p.endsWith('Kustomization'))).files : undefined;
      const pinned = files ? config.environments.map((e) => ({ name: e.name, inventory: readInventory(files, config, e.name) })) : undefined;
      return { head: checkout.sha, changes: found, inventories: pinned };
    });
    const store = deps.fleetState(target);
    let state: FleetState;
    try {
      state = await store.read();
    } catch (error) {
      // Holds and rejections cannot be read: promoting without them could cross a hold. Nothing moves.
      deps.log.warn({ repo: `${target.owner}/${target.repo}` }, `promotions paused: ${(error as Error).message}`);
      return steps.map(({ from, to }) => ({ from: from.name, to: to.name, skipped: (error as Error).message }));
    }
    const reports: StepReport[] = [];
    for (const { from, to } of steps) {
      const report: StepReport = { from: from.name, to: to.name };
      reports.push(report);
      const change = changes.get(from.name);
      if (from.clusters.length === 0) {
        report.skipped = `${from.name} lists no clusters, so no report can gate a promotion out of it`;
        continue;
      }
      if (!change) {
        report.skipped = `no commit changed ${from.name} yet`;
        continue;
      }
      report.change = change;
      const runs = await stepRuns(gh, repo, from.name, change, head, deps.appId);
      const now = deps.now();
      let decision = decidePromotionStep({ from, to, runs, state, subjects: state.holds.map((h) => h.subject), approvals: [], now });
      if (decision.failed.length > 0 && !only?.dryRun) {
        state = await reject(target, store, config, from.name, to.name, decision.failed, change);
        if (from.rollback === 'auto' && !state.freezes.some((f) => f.environment === from.name)) {
          const reason = `${decision.failed.join(', ')} failed to apply ${change.slice(0, 7)}`;
          report.rollback = await rollback(target, config, from.name, change, reason);
          state = await store.update((s) => (s.freezes.some((f) => f.environment === from.name) ? s : { ...s, freezes: [...s.freezes, { environment: from.name, reason, at: now.toISOString() }] }));
        }
        decision = decidePromotionStep({ from, to, runs, state, subjects: [], approvals: [], now });
      }
      report.decision = decision;
      const key = `${target.owner}/${target.repo}#${from.name}->${to.name}`;
      if (only?.dryRun) continue;
      if (!decision.ready) {
        // A step that cannot go on (a failure, a freeze) must not leave an older PR's gate green:
        // auto-merge would still merge it.
        if (decision.failed.length > 0 || decision.frozen) await closeGate(gh, repo, formatBranch({ kind: 'promotion', environment: to.name, subject: from.name }), gateCheckName(to.name), gateSummary(to.name, decision.verdict), decision.verdict, now);
        schedule(target, key, decision.verdict.recheckAt, now);
        continue;
      }
      const rejected = state.rejections.map((r) => ({ subject: r.subject, version: r.version }));
      // The write plans from the head this evaluation just fetched: its first checkout makes no second fetch
      // (a re-plan after a moved base fetches as usual).
      let first = true;
      const cloneCache = {
        withCheckout: ((h, r, fn) => {
          const reuse = first ? head : undefined;
          first = false;
          return deps.cloneCache.withCheckout(h, r, fn, reuse ? { reuse } : {});
        }) as typeof deps.cloneCache.withCheckout,
      } as typeof deps.cloneCache;
      const [outcome] = await runJob(job, target, { kind: 'promotion', from: from.name, to: to.name, ...(rejected.length > 0 ? { rejected } : {}), ...(withPr.has(key) ? { branchExists: true } : {}) }, { ...deps, cloneCache });
      if (outcome) report.outcome = outcome;
      if (outcome?.pullRequest) withPr.add(key);
      else withPr.delete(key);
      const pr = outcome?.pullRequest;
      if (!pr) continue;
      if (from.gates.approval) {
        const approvals = await writeApprovals(gh, repo, pr.number);
        decision = decidePromotionStep({ from, to, runs, state, subjects: state.holds.map((h) => h.subject), approvals, now });
        report.decision = decision;
      }
      await writeGateCheck(gh, repo, pr.number, gateCheckName(to.name), gateSummary(to.name, decision.verdict), decision.verdict, now, outcome);
      schedule(target, key, decision.verdict.recheckAt, now);
    }
    if (only?.refresh && deps.dashboard && !only.dryRun) {
      await deps.dashboard(target).show(await dashboardContent(gh, repo, config, head, reports, inventories, deps.now(), deps.appId));
    }
    return reports;
  }

  /**
   * Rolls `environment` back to its last all-green commit before `change` (newest of its last 20
   * changes on which every one of its clusters has a successful Courier run), through the one write path.
   */
  async function rollback(target: JobTarget, config: CourierConfig, environment: string, change: string, reason: string): Promise<JobOutcome | string> {
    const env = config.environments.find((e) => e.name === environment)!;
    const gh = fromOctokit(target.octokit as unknown as OctokitLike);
    const repo = { owner: target.owner, repo: target.repo };
    const handle = repoHandleOf(target);
    const older = await deps.cloneCache.withCheckout(handle, change, async (checkout) => ((await checkout.history?.(env.paths, 21)) ?? []).slice(1));
    let good: string | undefined;
    for (const sha of older) {
      const runs = (await listCheckRuns(gh, repo, sha)).filter((r) => deps.appId === undefined || r.appId === null || r.appId === deps.appId);
      if (env.clusters.every((c) => runs.some((r) => r.name === formatCheckRunName(environment, c) && r.status === 'completed' && r.conclusion === 'success'))) {
        good = sha;
        break;
      }
    }
    if (!good) {
      const why = `no earlier change of ${environment} (last ${older.length}) was reported healthy by every cluster; roll back by hand`;
      deps.log.warn({ repo: `${target.owner}/${target.repo}` }, why);
      return why;
    }
    const goodFiles = await deps.cloneCache.withCheckout(handle, good, async (checkout) => (await checkout.readFiles((p) => /\.ya?ml$/i.test(p) || p.endsWith('Kustomization') || p.endsWith('.sourceignore'))).files);
    const [outcome] = await runJob(rollbackJob, target, { kind: 'rollback', environment, goodCommit: good, goodFiles, reason }, deps);
    return outcome ?? 'nothing to roll back';
  }

  /** `/courier rollback <environment>`: back to the last all-green commit before its latest change, and frozen. */
  async function rollbackNow(target: JobTarget, environment: string, by: string): Promise<JobOutcome | string> {
    const validated = validateCourierConfig(target.config);
    if (!validated.ok) return 'the config is invalid';
    const config = validated.config;
    const env = config.environments.find((e) => e.name === environment);
    if (!env) return `unknown environment "${environment}": ${config.environments.map((e) => e.name).join(', ')}`;
    const handle = repoHandleOf(target);
    const change = await deps.cloneCache.withCheckout(handle, target.defaultBranch, async (checkout) => checkout.lastChange?.(env.paths));
    if (!change) return `no commit changed ${environment} yet`;
    const reason = `@${by} asked for it after ${change.slice(0, 7)}`;
    const outcome = await rollback(target, config, environment, change, reason);
    await deps.fleetState(target).update((s) => (s.freezes.some((f) => f.environment === environment) ? s : { ...s, freezes: [...s.freezes, { environment, reason, at: deps.now().toISOString() }] }));
    return outcome;
  }

  /** Records the versions `from` would promote as rejected by the failing clusters (once each). */
  async function reject(target: JobTarget, store: FleetStateStore, config: CourierConfig, from: string, to: string, clusters: string[], change: string): Promise<FleetState> {
    const handle = repoHandleOf(target);
    // What the failed change brought: the versions of `from` that commit changed (its inventory
    // against its parent's), among those it would promote. Older differences were healthy before.
    const moves = await deps.cloneCache.withCheckout(handle, change, async (checkout) => {
      const { files } = await checkout.readFiles();
      const plan = planPromotion({ files, config, from, to });
      const parent = checkout.readParentFiles ? (await checkout.readParentFiles()).files : [];
      const before = readInventory(parent, config, from);
      return plan.diff.moves.filter((m) => {
        if (m.kind === 'chart') return before.charts.get(m.key)?.version !== m.to.version;
        const was = before.images.get(m.key);
        return was?.tag !== m.to.tag || was?.digest !== m.to.digest;
      });
    });
    const at = deps.now().toISOString();
    const found: Rejection[] = moves.map((m) => ({
      subject: m.key,
      version: (m.kind === 'chart' ? m.to.version : m.to.tag) ?? '',
      environment: from,
      cluster: clusters.join(', '),
      reason: `${clusters.join(', ')} failed to apply ${change.slice(0, 7)}`,
      at,
    }));
    return store.update((state) => {
      const fresh = found.filter((r) => !state.rejections.some((known) => known.subject === r.subject && known.version === r.version));
      if (fresh.length > 0) deps.log.warn({ repo: `${target.owner}/${target.repo}` }, `rejected ${fresh.map((r) => `${r.subject}:${r.version}`).join(', ')}: ${fresh[0]!.reason}`);
      return fresh.length === 0 ? state : { ...state, rejections: [...state.rejections, ...fresh] };
    });
  }

  return { evaluate, rollbackNow, job, branchOf: (from: string, to: string) => formatBranch({ kind: 'promotion', environment: to, subject: from }) };
}

/** The source environment's runs on the change and on the head (which descends from it). */
async function stepRuns(gh: GitHubClient, repo: { owner: string; repo: string }, from: string, change: string, head: string, appId: number | undefined): Promise<StepCheckRun[]> {
  const shas = change === head ? [change] : [change, head];
  const runs: StepCheckRun[] = [];
  for (const sha of shas) {
    for (const run of await listCheckRuns(gh, repo, sha)) {
      // Any app with checks:write could name a run courier/<env>/<cluster>; only Courier's count.
      if (appId !== undefined && run.appId !== null && run.appId !== appId) continue;
      if (run.name.startsWith(`courier/${from}/`)) runs.push(run);
    }
  }
  return runs;
}

/** What the dashboard shows, from this evaluation: health from Courier's runs on the head, steps, versions, open PRs. */
async function dashboardContent(
  gh: GitHubClient,
  repo: { owner: string; repo: string },
  config: CourierConfig,
  head: string,
  reports: StepReport[],
  inventories: Array<{ name: string; inventory: Inventory }> | undefined,
  now: Date,
  appId: number | undefined,
): Promise<DashboardContent> {
  const runs = (await listCheckRuns(gh, repo, head)).filter((r) => appId === undefined || r.appId === null || r.appId === appId);
  const health = (env: string, cluster: string): ClusterHealth => {
    const run = runs.find((r) => r.name === formatCheckRunName(env, cluster));
    if (!run) return 'unknown';
    if (run.status !== 'completed') return 'reconciling';
    return run.conclusion === 'success' ? 'healthy' : run.conclusion === 'neutral' ? 'unknown' : 'failing';
  };
  const { data } = await gh.request<Array<{ number: number; title: string; html_url: string; head: { ref: string } }>>('GET /repos/{owner}/{repo}/pulls', { ...repo, state: 'open', per_page: 100 });
  const versionOf = (e: { tag?: string; digest?: string; version?: string }): string => e.version ?? `${e.tag ?? ''}${e.digest ? `@${e.digest.slice(0, 19)}…` : ''}`;
  return {
    repository: `${repo.owner}/${repo.repo}`,
    environments: config.environments.map((env) => {
      const inv = inventories?.find((i) => i.name === env.name)?.inventory;
      return {
        name: env.name,
        clusters: env.clusters.map((c) => ({ name: c, health: health(env.name, c), commit: head })),
        inventory: inv ? [...[...inv.images.values()].map((i) => ({ entry: i.repository, version: versionOf(i) })), ...[...inv.charts.values()].map((c) => ({ entry: c.key, version: c.version }))] : [],
      };
    }),
    steps: reports.map((r) => ({
      from: r.from,
      to: r.to,
      state: r.skipped ? 'not evaluated' : r.decision?.verdict.open ? 'open' : r.decision?.ready ? 'gated' : r.decision?.failed.length ? 'blocked' : 'waiting',
      waitsFor: r.skipped ? [r.skipped] : (r.decision?.verdict.gates ?? []).filter((g) => g.state !== 'open').map((g) => `${g.gate}: ${g.detail}`),
      ...(r.outcome?.pullRequest ? { pullRequest: r.outcome.pullRequest } : {}),
    })),
    pullRequests: (data ?? []).filter((p) => p.head.ref.startsWith('courier/')).map((p) => ({ number: p.number, title: p.title, url: p.html_url })),
    updatedAt: now.toISOString(),
  };
}
