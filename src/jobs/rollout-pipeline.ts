/**
 * The staged-rollout pipeline, level-triggered like promotions: at every trigger (push, a cluster's
 * check run, resync, a command) each rollout in progress is read again from Git (which Kustomization
 * applies which folder), the fleet state (pause, abort, a halt) and Courier's own
 * `courier/<env>/<cluster>` check runs on the commit that switched the previous cluster (or a
 * descendant). Its next step — a cluster's switch, or the old folder's deletion — is written through
 * the one write path once the previous cluster is healthy and its environment's soak has passed; a
 * `courier/rollout/<app>` check run on the step's PR lists every gate (windows, holds, approval, pause)
 * and turns `success` only when all are open. A cluster that fails after its switch halts the walk: a
 * comment on its switch PR, the halt on the dashboard, and with `rollback: auto` a PR pointing that
 * cluster back. `/courier stage` (on a PR) turns a change of a shared folder into the copy.
 */
import { posix } from 'node:path';
import type { JobTarget } from '../app-deps.ts';
import { parseDuration, validateCourierConfig, type CourierConfig, type EnvironmentConfig } from '../core/config/index.ts';
import { holdsOn, type FleetState, type FleetStateStore, type RolloutControl } from '../core/fleet-state/fleet-state.ts';
import { evaluateGates, type ClusterReport, type GateVerdict } from '../core/promotion/evaluate-gates.ts';
import { gateSummary } from '../core/promotion/promotion-step.ts';
import { buildRepoModel } from '../core/repo-model/build-repo-model.ts';
import type { RepoFile } from '../core/repo-model/repo-file.ts';
import { findRollouts, folderVersion, planNextStep, planStage, readWalk, rolloutBranch, RolloutError, walkDiagram, walkTable, walkView, type RolloutWalk, type StagePlan, type WalkCluster } from '../core/rollout/index.ts';
import { clusterReports, findPullRequest } from '../github/cluster-reports.ts';
import { closeGate, writeGateCheck } from '../github/gate-check.ts';
import { fromOctokit, type GitHubClient, type OctokitLike } from '../github/github-client.ts';
import { runMutation } from '../github/mutation-document.ts';
import { writeApprovals } from '../github/write-permission.ts';
import type { JobOutcome } from './job-outcome.ts';
import { repoHandleOf, runJob, type JobRunnerDeps } from './job-runner.ts';
import { createRolloutJob } from './rollout-job.ts';

/** The check run on a rollout step's PR head that carries its gates. */
export const rolloutCheckName = (app: string): string => `courier/rollout/${app}`;

/** What the pipeline needs besides the runner's deps. */
export interface RolloutPipelineDeps extends JobRunnerDeps {
  /** The repository's fleet state (holds, pauses, halts), kept in GitHub. */
  fleetState(target: JobTarget): FleetStateStore;
  /** Courier's GitHub App id: runs written by any other app never open a gate. */
  appId?: number;
  timers?: { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };
}

/** One rollout's evaluation, for logs, tests and `/courier plan`. */
export interface RolloutReport {
  app: string;
  target: string;
  /** What happened: a step written, waiting for gates, halted, done… one line. */
  state: 'switching' | 'finishing' | 'waiting' | 'halted' | 'paused' | 'aborting' | 'done' | 'invalid';
  detail: string;
  outcome?: JobOutcome;
  verdict?: GateVerdict;
}

type Repo = { owner: string; repo: string };
const YAMLISH = (p: string): boolean => /\.ya?ml$/i.test(p) || p.endsWith('Kustomization');

/** Builds the pipeline. */
export function createRolloutPipeline(deps: RolloutPipelineDeps) {
  const job = createRolloutJob();
  const timers = deps.timers ?? {
    set: (fn: () => void, ms: number) => setTimeout(fn, Math.min(ms, 2 ** 31 - 1)).unref(),
    clear: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
  };
  const pending = new Map<string, unknown>();

  function schedule(target: JobTarget, key: string, at: Date | undefined, now: Date): void {
    const previous = pending.get(key);
    if (previous !== undefined) timers.clear(previous);
    pending.delete(key);
    if (!at) return;
    pending.set(key, timers.set(() => {
      pending.delete(key);
      evaluate(target).catch((error: unknown) => deps.log.warn({ repo: `${target.owner}/${target.repo}` }, `scheduled rollout check failed: ${(error as Error).message}`));
    }, Math.max(1000, at.getTime() - now.getTime() + 1000)));
  }

  /** Evaluates every rollout of the repository once. */
  async function evaluate(target: JobTarget): Promise<RolloutReport[]> {
    const validated = validateCourierConfig(target.config);
    if (!validated.ok) return [];
    const config = validated.config;
    const handle = repoHandleOf(target);
    const read = await deps.cloneCache.withCheckout(handle, target.defaultBranch, async (checkout) => {
      const { files } = await checkout.readFiles(YAMLISH);
      const model = buildRepoModel(files);
      const targets = findRollouts(model, config);
      if (targets.length === 0) return { head: checkout.sha, model, files, targets, switchedAt: new Map<string, string | undefined>() };
      // The commit that last changed the gating cluster's Kustomization files: the one that switched it
      // (only that cluster's: one `git log` per rollout, not one per cluster).
      const switchedAt = new Map<string, string | undefined>();
      for (const t of targets) {
        let gating: WalkCluster | undefined;
        try {
          const walk = readWalk(model, config, t);
          const step = planNextStep(walk, model, files);
          gating = step.kind === 'switch' ? step.previous : step.kind === 'finish' ? walk.clusters.at(-1) : undefined;
        } catch {
          continue;
        }
        if (gating) switchedAt.set(`${t}#${gating.cluster}`, await checkout.lastChange?.([...new Set(gating.kustomizations.map((k) => k.file))]));
      }
      return { head: checkout.sha, model, files, targets, switchedAt };
    });
    const gh = fromOctokit(target.octokit as unknown as OctokitLike);
    const repo = { owner: target.owner, repo: target.repo };
    const store = deps.fleetState(target);
    let state: FleetState;
    try {
      state = await store.read();
    } catch (error) {
      deps.log.warn({ repo: `${target.owner}/${target.repo}` }, `rollouts paused: ${(error as Error).message}`);
      return [];
    }
    // A control for an app with no rollout left (finished, aborted and merged) is stale: drop it.
    const apps = new Set<string>();
    const reports: RolloutReport[] = [];
    for (const t of read.targets) {
      let walk: RolloutWalk;
      try {
        walk = readWalk(read.model, config, t);
      } catch (error) {
        if (!(error instanceof RolloutError)) throw error;
        // Its controls (a halt, a pause) stay: the walk is only unreadable until the repository is fixed.
        const app = folderVersion(posix.basename(t), config.rollout.naming).app;
        apps.add(app);
        reports.push({ app, target: t, state: 'invalid', detail: error.message });
        deps.log.warn({ repo: `${target.owner}/${target.repo}` }, `rollout to ${t}: ${error.message}`);
        continue;
      }
      apps.add(walk.app);
      reports.push(await evaluateOne(target, gh, repo, config, store, state, walk, read));
      state = await store.read().catch(() => state);
    }
    const stale = state.rollouts.filter((r) => !apps.has(r.app));
    if (stale.length > 0) await store.update((s) => ({ ...s, rollouts: s.rollouts.filter((r) => apps.has(r.app)) }));
    return reports;
  }

  async function evaluateOne(
    target: JobTarget,
    gh: GitHubClient,
    repo: Repo,
    config: CourierConfig,
    store: FleetStateStore,
    state: FleetState,
    walk: RolloutWalk,
    read: { head: string; model: ReturnType<typeof buildRepoModel>; files: RepoFile[]; switchedAt: Map<string, string | undefined> },
  ): Promise<RolloutReport> {
    const now = deps.now();
    const base = { app: walk.app, target: walk.target };
    const control = state.rollouts.find((r) => r.app === walk.app);
    const key = `${target.owner}/${target.repo}#${walk.app}`;
    if (control?.state === 'aborted') {
      const [outcome] = await runJob(job, target, { kind: 'rollout', step: 'abort', target: walk.target, reason: `aborted by @${control.by}` }, deps);
      // The walk's other open PRs would only fight the abort: closed, with a link to it.
      const abortBranch = rolloutBranch(walk.app, 'abort');
      const prefix = abortBranch.slice(0, abortBranch.lastIndexOf('/') + 1);
      const { data: open } = await gh.request<Array<{ number: number; head: { ref: string } }>>('GET /repos/{owner}/{repo}/pulls', { ...repo, state: 'open', per_page: 100 });
      for (const pr of (open ?? []).filter((p) => p.head.ref.startsWith(prefix) && p.head.ref !== abortBranch)) {
        await gh.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...repo, issue_number: pr.number, body: `The rollout of **${walk.app}** was aborted by @${control.by}${outcome?.pullRequest ? ` (#${outcome.pullRequest.number})` : ''}; this step is no longer needed.` });
        await gh.request('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: pr.number, state: 'closed' });
      }
      return { ...base, state: 'aborting', detail: `aborted by @${control.by}`, ...(outcome ? { outcome } : {}) };
    }
    if (control?.state === 'failed') return { ...base, state: 'halted', detail: `${control.cluster} failed after its switch${control.reason ? `: ${control.reason}` : ''}; /courier rollout resume ${walk.app} goes on` };
    const step = planNextStep(walk, read.model, read.files);
    if (step.kind === 'done') return { ...base, state: 'done', detail: step.reason };
    if (step.kind === 'waiting') return { ...base, state: 'waiting', detail: step.reason };
    const next = step.kind === 'switch' ? step.cluster : undefined;
    // The finish waits for the last cluster too: its rollback still needs the old folder.
    const previous = step.kind === 'switch' ? step.previous : walk.clusters.at(-1);
    const branch = next ? rolloutBranch(walk.app, 'switch', next.cluster) : rolloutBranch(walk.app, 'finish');
    const envOf = (name: string | undefined): EnvironmentConfig | undefined => config.environments.find((e) => e.name === name);
    const prevEnv = envOf(previous?.environment);
    const nextEnv = envOf(next?.environment);
    const reports = previous ? await reportsSince(gh, repo, previous, read.switchedAt.get(`${walk.target}#${previous.cluster}`), read.head) : [];
    const gates = (approvals: string[]): GateVerdict => {
      const verdict = evaluateGates({
        clusters: previous ? [previous.cluster] : [],
        reports,
        soakMs: previous && prevEnv?.gates.soak ? parseDuration(prevEnv.gates.soak) : 0,
        windows: nextEnv?.windows ?? [],
        requireApproval: Boolean(next && prevEnv?.gates.approval),
        approvals,
        holds: holdsOn(state, nextEnv?.name ?? '', [walk.app]).map((h) => ({ subject: h.subject, by: h.by })),
        now,
      });
      if (!previous) verdict.gates[0] = { gate: 'health', state: 'open', detail: `${next?.cluster} is the first cluster of the walk` };
      if (control?.state === 'paused') {
        verdict.gates.push({ gate: 'hold', state: 'waiting', detail: `paused by @${control.by}: /courier rollout resume ${walk.app} goes on` });
        verdict.open = false;
      }
      return verdict;
    };
    let verdict = gates([]);
    const label = next ? next.cluster : `the deletion of ${walk.sources.join(', ')}`;
    const text = (v: GateVerdict) => gateSummary(label, v);
    const health = verdict.gates.find((g) => g.gate === 'health')!;
    if (health.state === 'blocked' && previous) {
      const reason = reports.filter((r) => r.cluster === previous.cluster && r.state === 'failure').at(-1);
      await halt(target, gh, repo, store, walk, previous, prevEnv, `${previous.cluster} reported a failed reconcile at ${reason?.at.toISOString() ?? now.toISOString()}`);
      await closeGate(gh, repo, branch, rolloutCheckName(walk.app), text(verdict), verdict, now);
      return { ...base, state: 'halted', detail: `${previous.cluster} failed after its switch`, verdict };
    }
    const soak = verdict.gates.find((g) => g.gate === 'soak')!;
    if (health.state !== 'open' || soak.state !== 'open' || control?.state === 'paused') {
      await closeGate(gh, repo, branch, rolloutCheckName(walk.app), text(verdict), verdict, now);
      schedule(target, key, verdict.recheckAt, now);
      return { ...base, state: control?.state === 'paused' ? 'paused' : 'waiting', detail: verdict.gates.filter((g) => g.state !== 'open').map((g) => `${g.gate}: ${g.detail}`).join('; '), verdict };
    }
    const request = next ? { kind: 'rollout' as const, step: 'switch' as const, target: walk.target, cluster: next.cluster } : { kind: 'rollout' as const, step: 'finish' as const, target: walk.target };
    // The write plans from the head this evaluation just fetched: its first checkout makes no second fetch.
    let first = true;
    const cloneCache = {
      withCheckout: ((h, r, fn) => {
        const reuse = first ? read.head : undefined;
        first = false;
        return deps.cloneCache.withCheckout(h, r, fn, reuse ? { reuse } : {});
      }) as typeof deps.cloneCache.withCheckout,
    } as typeof deps.cloneCache;
    const [outcome] = await runJob(job, target, request, { ...deps, cloneCache });
    const pr = outcome?.pullRequest;
    if (pr && outcome.action !== 'failed') {
      if (next && prevEnv?.gates.approval) verdict = gates(await writeApprovals(gh, repo, pr.number));
      await writeGateCheck(gh, repo, pr.number, rolloutCheckName(walk.app), text(verdict), verdict, now, outcome);
    }
    schedule(target, key, verdict.recheckAt, now);
    return { ...base, state: next ? 'switching' : 'finishing', detail: next ? `switch of ${next.cluster}` : `deletion of ${walk.sources.join(', ')}`, ...(outcome ? { outcome } : {}), verdict };
  }



  const reportsSince = async (gh: GitHubClient, repo: Repo, cluster: WalkCluster, switched: string | undefined, head: string): Promise<ClusterReport[]> =>
    switched ? clusterReports(gh, repo, cluster, switched, head, deps.appId) : [];

  /** Halts the walk once: the halt in the fleet state (dashboard), a comment on the switch PR, the rollback PR with `rollback: auto`. */
  async function halt(target: JobTarget, gh: GitHubClient, repo: Repo, store: FleetStateStore, walk: RolloutWalk, cluster: WalkCluster, env: EnvironmentConfig | undefined, reason: string): Promise<void> {
    let fresh = false;
    const at = deps.now().toISOString();
    await store.update((s) => {
      if (s.rollouts.some((r) => r.app === walk.app && r.state === 'failed')) return s;
      fresh = true;
      const control: RolloutControl = { app: walk.app, state: 'failed', by: 'courier', at, cluster: cluster.cluster, reason };
      return { ...s, rollouts: [...s.rollouts.filter((r) => r.app !== walk.app), control] };
    });
    if (!fresh) return;
    deps.log.warn({ repo: `${target.owner}/${target.repo}` }, `rollout of ${walk.app} halted: ${reason}`);
    let rollback = '';
    if (env?.rollback === 'auto') {
      const [outcome] = await runJob(job, target, { kind: 'rollout', step: 'rollback', target: walk.target, cluster: cluster.cluster, reason }, deps);
      rollback = outcome?.pullRequest ? `#${outcome.pullRequest.number} points ${cluster.cluster} back to \`${walk.sources[0]}\` (\`rollback: auto\`).` : `No rollback PR could be opened: ${outcome?.error ?? 'nothing to change'}.`;
    } else {
      rollback = `\`/courier rollback ${cluster.cluster}\` opens a PR pointing it back to \`${walk.sources[0]}\`.`;
    }
    const switchPr = await findPullRequest(gh, repo, rolloutBranch(walk.app, 'switch', cluster.cluster), 'all');
    const view = walkView(walk, { failed: cluster.cluster });
    const body = [
      `⛔ **${cluster.cluster}** failed after its switch to \`${walk.target}\`: ${reason}. The rollout of **${walk.app}** is halted: no further cluster is switched.`,
      '',
      rollback,
      `\`/courier rollout resume ${walk.app}\` goes on once it is healthy again; \`/courier rollout abort ${walk.app}\` points every switched cluster back and deletes the copy.`,
      '',
      walkTable(view, walk),
      '',
      walkDiagram(view, walk),
    ].join('\n');
    if (switchPr) await gh.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...repo, issue_number: switchPr, body });
  }

  /** `/courier rollback <cluster>`: a PR pointing one cluster of a rollout back to the older folder. */
  async function rollbackCluster(target: JobTarget, cluster: string, by: string): Promise<JobOutcome | string> {
    const validated = validateCourierConfig(target.config);
    if (!validated.ok) return 'the config is invalid';
    const config = validated.config;
    const found = await deps.cloneCache.withCheckout(repoHandleOf(target), target.defaultBranch, async (checkout) => {
      const model = buildRepoModel((await checkout.readFiles(YAMLISH)).files);
      return findRollouts(model, config).map((t) => readWalk(model, config, t)).find((w) => w.clusters.some((c) => c.cluster === cluster && c.kustomizations.some((k) => k.folder === w.target)));
    });
    if (!found) return `${cluster} is not switched in any rollout in progress`;
    const reason = `@${by} asked for it`;
    await deps.fleetState(target).update((s) => (s.rollouts.some((r) => r.app === found.app) ? s : { ...s, rollouts: [...s.rollouts, { app: found.app, state: 'failed', by, at: deps.now().toISOString(), cluster, reason }] }));
    const [outcome] = await runJob(job, target, { kind: 'rollout', step: 'rollback', target: found.target, cluster, reason }, deps);
    return outcome ?? 'nothing to roll back';
  }

  /** `/courier rollout pause|resume|abort <app>`. */
  async function control(target: JobTarget, action: 'pause' | 'resume' | 'abort', app: string, by: string): Promise<string> {
    const at = deps.now().toISOString();
    const store = deps.fleetState(target);
    if (action === 'resume') {
      let lifted: RolloutControl | undefined;
      await store.update((s) => {
        lifted = s.rollouts.find((r) => r.app === app);
        return lifted ? { ...s, rollouts: s.rollouts.filter((r) => r.app !== app) } : s;
      });
      if (!lifted) return `The rollout of **${app}** is neither paused nor halted; nothing to resume.`;
      void evaluate(target).catch(() => undefined);
      return `Resumed the rollout of **${app}** (it was ${lifted.state === 'failed' ? `halted: ${lifted.cluster} failed` : lifted.state}); Courier evaluates its next step now.`;
    }
    const state = action === 'pause' ? 'paused' : 'aborted';
    await store.update((s) => ({ ...s, rollouts: [...s.rollouts.filter((r) => r.app !== app), { app, state, by, at }] }));
    void evaluate(target).catch(() => undefined);
    return action === 'pause'
      ? `Paused the rollout of **${app}**: no cluster is switched until \`/courier rollout resume ${app}\`.`
      : `Aborting the rollout of **${app}**: one PR points every switched cluster back and deletes the copy.`;
  }

  /** `/courier stage [app]` on a pull request: one commit on its branch moving its edits of a shared folder into a copy. */
  async function stage(target: JobTarget, pull: number, app: string | undefined): Promise<string> {
    const validated = validateCourierConfig(target.config);
    if (!validated.ok) return 'the config is invalid (see the courier/config check); nothing was changed';
    const config = validated.config;
    const gh = fromOctokit(target.octokit as unknown as OctokitLike);
    const repo = { owner: target.owner, repo: target.repo };
    const { data: pr } = await gh.request<{ state: string; body: string | null; head: { ref: string; sha: string; repo: { full_name: string } | null }; base: { ref: string } }>('GET /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: pull });
    if (pr.state !== 'open') return 'this pull request is not open; nothing was changed';
    if (pr.head.repo?.full_name.toLowerCase() !== `${repo.owner}/${repo.repo}`.toLowerCase()) return 'this pull request comes from a fork, which Courier cannot push to: stage it locally (`courier stage --from-ref`) and open that branch instead; nothing was changed';
    const handle = repoHandleOf(target);
    const side = async (ref: string) =>
      deps.cloneCache.withCheckout(handle, ref, async (checkout) => {
        const { files, skipped } = await checkout.readFiles();
        return { sha: checkout.sha, files, paths: [...new Set([...files.map((f) => f.path), ...skipped.flatMap((w) => (w.file ? [w.file] : []))])] };
      });
    const baseSide = await side(pr.base.ref);
    const headSide = await side(pr.head.ref);
    if (headSide.sha !== pr.head.sha) return `the branch moved while Courier read it (${pr.head.sha.slice(0, 7)} → ${headSide.sha.slice(0, 7)}): run \`/courier stage\` again`;
    let plan: StagePlan;
    try {
      plan = planStage({ config, base: baseSide, head: headSide, ...(app ? { app } : {}) });
    } catch (error) {
      if (error instanceof RolloutError) return `${error.message}${error.message.includes('nothing was changed') ? '' : '; nothing was changed'}`;
      throw error;
    }
    const edits = [...plan.copyEdits, ...plan.revertEdits];
    const message = `Stage ${plan.app}: move this change of ${plan.folder} into ${plan.copy}\n\n${plan.folder} stays as on ${pr.base.ref}; after the merge Courier switches one cluster at a time to ${plan.copy}.\n`;
    const [headline, ...rest] = message.split('\n');
    const result = await runMutation(gh, 'CourierStage', [
      {
        alias: 'stage',
        mutation: 'createCommitOnBranch',
        inputType: 'CreateCommitOnBranchInput',
        input: {
          branch: { repositoryNameWithOwner: `${repo.owner}/${repo.repo}`, branchName: pr.head.ref },
          message: { headline, body: rest.join('\n').trim() },
          fileChanges: {
            additions: edits.filter((e) => e.after !== null).map((e) => ({ path: e.path, contents: Buffer.from(e.after!, 'utf8').toString('base64') })),
            deletions: edits.filter((e) => e.after === null).map((e) => ({ path: e.path })),
          },
          // Compare-and-swap: a commit someone pushed meanwhile makes this fail instead of being overwritten.
          expectedHeadOid: pr.head.sha,
        },
        selection: 'commit { oid url }',
      },
    ]);
    const oid = (result.data.stage as { commit?: { oid?: string } } | undefined)?.commit?.oid ?? '';
    const section = stagePlanSection(plan);
    const body = (pr.body ?? '').replace(/\n*<!-- courier-rollout-plan -->[\s\S]*<!-- \/courier-rollout-plan -->\n*/, '\n\n');
    await gh.request('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', { ...repo, pull_number: pull, body: `${body.trimEnd()}\n\n${section}\n` });
    return `Staged: ${oid ? `${oid.slice(0, 7)} ` : ''}moves this change of \`${plan.folder}\` into \`${plan.copy}\` and leaves \`${plan.folder}\` as on \`${pr.base.ref}\`, so merging changes no cluster. Rollout order: ${plan.walk.clusters.map((c) => c.cluster).join(' → ')}, then the deletion of \`${plan.folder}\`.`;
  }

  return { evaluate, stage, control, rollbackCluster, job };
}

/** The rollout plan a staged PR's body gains (between marks, so a second stage replaces it). */
export function stagePlanSection(plan: StagePlan): string {
  const view = walkView({ ...plan.walk, sources: [plan.folder] }, {});
  return [
    '<!-- courier-rollout-plan -->',
    `### Rollout plan: ${plan.app}`,
    '',
    `Courier moved this change of \`${plan.folder}\` into \`${plan.copy}\`; \`${plan.folder}\` stays as it is, so merging this changes no cluster. After the merge, one PR per cluster switches its Flux Kustomization to \`${plan.copy}\`, each opened when the previous cluster reported a healthy reconcile (and its environment's soak passed); the last PR deletes \`${plan.folder}\`.`,
    '',
    walkTable(view, { ...plan.walk, sources: [plan.folder] }),
    '',
    walkDiagram(view, { ...plan.walk, sources: [plan.folder] }),
    '<!-- /courier-rollout-plan -->',
  ].join('\n');
}
