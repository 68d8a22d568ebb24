/**
 * One step of the promotion pipeline, decided from data: the `courier/<k>/<cluster>` check runs on the
 * commit that last changed environment *k* (and on the default branch's head, which descends from it),
 * the fleet state (holds, freezes), approvals and the clock. Says whether the step's PR should exist
 * (every cluster of *k* applied the change healthily), which gates still hold it, and which clusters
 * failed (their versions become rejected). Pure: the App reads GitHub and Git, this decides.
 */
import type { EnvironmentConfig } from '../config/index.ts';
import { holdsOn, type FleetState } from '../fleet-state/fleet-state.ts';
import { formatCheckRunName } from '../reconcile/check-run-name.ts';
import { parseDuration } from '../config/index.ts';
import { evaluateGates, type ClusterReport, type GateVerdict } from './evaluate-gates.ts';

/** A check run as the step reads it (a subset of GitHub's fields). */
export interface StepCheckRun {
  name: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
}

/** Input of decidePromotionStep. */
export interface StepInput {
  from: EnvironmentConfig;
  to: EnvironmentConfig;
  /** Check runs on the commit that changed `from` and on its descendants that Courier looked at. */
  runs: readonly StepCheckRun[];
  state: FleetState;
  /** Entries the step would move (image repositories, chart keys), for holds on one of them. */
  subjects: readonly string[];
  /** Approving reviewers with write permission, when the step's PR exists and approval is required. */
  approvals: readonly string[];
  now: Date;
}

/** The decision. */
export interface StepDecision {
  /** Every cluster of `from` reported the change healthy: the promotion PR should exist (gates may still hold it). */
  ready: boolean;
  verdict: GateVerdict;
  /** Clusters of `from` whose latest report on the change is a failure. */
  failed: string[];
  /** Set when `from` is frozen (a failure with `rollback: auto`): nothing is promoted out of it. */
  frozen?: string;
}

/** What one check run says about a cluster: success, failure, or not ready yet (reconciling). */
export function reportOf(cluster: string, run: StepCheckRun): ClusterReport | undefined {
  if (run.status !== 'completed') return run.startedAt ? { cluster, state: 'not-ready', at: new Date(run.startedAt) } : undefined;
  if (!run.completedAt) return undefined;
  const at = new Date(run.completedAt);
  if (run.conclusion === 'success') return { cluster, state: 'success', at };
  // `neutral` is a run superseded by a newer commit, `skipped` says nothing about health.
  if (run.conclusion === 'neutral' || run.conclusion === 'skipped') return undefined;
  return { cluster, state: 'failure', at };
}

/** Decides a step k → k+1. */
export function decidePromotionStep(input: StepInput): StepDecision {
  const { from, to } = input;
  const reports: ClusterReport[] = [];
  for (const cluster of from.clusters) {
    const name = formatCheckRunName(from.name, cluster);
    for (const run of input.runs) {
      if (run.name !== name) continue;
      const report = reportOf(cluster, run);
      if (report) reports.push(report);
    }
  }
  const soakMs = from.gates.soak ? parseDuration(from.gates.soak) : 0;
  const verdict = evaluateGates({
    clusters: from.clusters,
    reports,
    soakMs,
    windows: to.windows,
    requireApproval: from.gates.approval,
    approvals: input.approvals,
    holds: holdsOn(input.state, to.name, input.subjects).map((h) => ({ subject: h.subject, by: h.by })),
    now: input.now,
  });
  const freeze = input.state.freezes.find((f) => f.environment === from.name);
  if (freeze) {
    verdict.open = false;
    verdict.gates.push({ gate: 'hold', state: 'blocked', detail: `${from.name} is frozen: ${freeze.reason}; /courier release ${from.name} lifts it` });
  }
  const health = verdict.gates.find((g) => g.gate === 'health')!;
  const failed = health.state === 'blocked' ? from.clusters.filter((c) => latest(reports, c)?.state === 'failure') : [];
  return { ready: health.state === 'open' && !freeze, verdict, failed, ...(freeze ? { frozen: freeze.reason } : {}) };
}

function latest(reports: readonly ClusterReport[], cluster: string): ClusterReport | undefined {
  return reports.filter((r) => r.cluster === cluster).sort((a, b) => b.at.getTime() - a.at.getTime())[0];
}

/** The `courier/gate/<env>` check run's text: one line per gate, what it waits for and until when. */
export function gateSummary(to: string, verdict: GateVerdict): { title: string; summary: string } {
  const icon = { open: '✅', waiting: '⏳', blocked: '⛔' } as const;
  const lines = verdict.gates.map((g) => `| ${icon[g.state]} ${g.gate} | ${g.state} | ${g.detail.replace(/\|/g, '\\|')} |`);
  const waiting = verdict.gates.filter((g) => g.state !== 'open').map((g) => g.gate);
  const title = verdict.open ? `Every gate into ${to} is open` : `Waiting for ${waiting.join(', ')}`;
  const recheck = verdict.recheckAt ? `\n\nCourier evaluates again at ${verdict.recheckAt.toISOString()} on its own.` : '';
  return { title, summary: `| Gate | State | Detail |\n|---|---|---|\n${lines.join('\n')}${recheck}` };
}
