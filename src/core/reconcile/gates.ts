/**
 * The "applied" gate of promotion and key rotation: has every cluster of an environment applied a
 * commit (or a descendant of it) successfully, for at least the soak time? Answered from the
 * `courier/<environment>/<cluster>` check runs; Git ancestry comes in as a function.
 */
import { formatCheckRunName } from './check-run-name.ts';

/** The fields of a GitHub check run the gate reads. */
export interface GateCheckRun {
  name: string;
  headSha: string;
  status: 'queued' | 'in_progress' | 'completed' | string;
  conclusion?: string | null;
  /** ISO 8601. */
  completedAt?: string | null;
}

/** Input of environmentApplied. */
export interface EnvironmentAppliedInput {
  environment: string;
  clusters: readonly string[];
  commit: string;
  /** Check runs on `commit` and on the commits that might descend from it. */
  checkRuns: readonly GateCheckRun[];
  /** True when `ancestor` is an ancestor of (or equal to) `descendant`. */
  isAncestor(ancestor: string, descendant: string): boolean | Promise<boolean>;
  now: Date;
  soakMs: number;
}

/** The gate's answer: `waitingFor` lists the clusters not yet there, `reasons` says why for each. */
export interface GateResult {
  ok: boolean;
  waitingFor: string[];
  reasons: string[];
}

/** Decides whether every cluster of the environment has applied `commit` (or a descendant) and soaked. */
export async function environmentApplied(input: EnvironmentAppliedInput): Promise<GateResult> {
  const waitingFor: string[] = [];
  const reasons: string[] = [];
  const ancestry = new Map<string, boolean>();
  const descends = async (sha: string): Promise<boolean> => {
    if (sha === input.commit) return true;
    let known = ancestry.get(sha);
    if (known === undefined) {
      known = await input.isAncestor(input.commit, sha);
      ancestry.set(sha, known);
    }
    return known;
  };
  for (const cluster of input.clusters) {
    const name = formatCheckRunName(input.environment, cluster);
    const runs: GateCheckRun[] = [];
    for (const run of input.checkRuns) {
      if (run.name === name && (await descends(run.headSha))) runs.push(run);
    }
    const why = clusterVerdict(runs, input.now, input.soakMs);
    if (why !== undefined) {
      waitingFor.push(cluster);
      reasons.push(`${name}: ${why}`);
    }
  }
  return { ok: waitingFor.length === 0, waitingFor, reasons };
}

/** Undefined when one run is a soaked success; otherwise why the cluster is not there yet. */
function clusterVerdict(runs: GateCheckRun[], now: Date, soakMs: number): string | undefined {
  if (runs.length === 0) return 'no check run on this commit or a descendant yet';
  let soakingUntil: number | undefined;
  for (const run of runs) {
    if (run.status !== 'completed' || run.conclusion !== 'success') continue;
    const completed = run.completedAt ? Date.parse(run.completedAt) : Number.NaN;
    if (Number.isNaN(completed)) continue;
    if (now.getTime() - completed >= soakMs) return undefined;
    soakingUntil = Math.min(soakingUntil ?? Infinity, completed + soakMs);
  }
  if (soakingUntil !== undefined) return `soaking until ${new Date(soakingUntil).toISOString()}`;
  const failed = runs.find((r) => r.status === 'completed' && r.conclusion !== 'success');
  if (failed) return `${failed.conclusion ?? 'failed'} on ${failed.headSha.slice(0, 7)}`;
  return `${runs[0]!.status} on ${runs[0]!.headSha.slice(0, 7)}`;
}
