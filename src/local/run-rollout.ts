/**
 * The local-repository mode of a staged rollout. `stage` writes the copy (made from another branch's
 * version of the folder) as one commit on `courier/rollout/<app>/stage` on top of HEAD; `rollout`
 * writes the next step only (the next cluster's switch, or the old folder's deletion), read from HEAD,
 * on `courier/rollout/<app>/<step>`. Neither touches HEAD, the index or the working tree; running
 * `rollout` again after each merge walks the whole rollout. Locally there is no cluster to wait for.
 */
import { posix } from 'node:path';
import type { Proposal } from '../core/proposal/proposal.ts';
import { buildRepoModel } from '../core/repo-model/build-repo-model.ts';
import {
  buildRolloutProposal,
  folderExists,
  folderProblems,
  folderVersion,
  planNextStep,
  planStage,
  readWalk,
  RolloutError,
  walkView,
  type RolloutStep,
  type RolloutWalk,
  type StagePlan,
  type TreeSide,
} from '../core/rollout/index.ts';
import { rolloutTemplatesFor } from '../builtin-templates.ts';
import { commitToBranch, readTree, type BranchWrite } from '../git/local-repo.ts';
import { loadLocalRepo, LocalModeError, type LocalRepo } from './load-local-repo.ts';

/** Every text file of a commit and every path of its tree (binary and skipped files as paths only). */
async function treeSide(dir: string, rev: string): Promise<TreeSide> {
  const read = await readTree(dir, rev, { include: () => true });
  const paths = [...read.files.map((f) => f.path), ...read.skipped.flatMap((w) => (w.file ? [w.file] : []))];
  return { files: read.files, paths: [...new Set(paths)] };
}

function asLocal<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RolloutError) throw new LocalModeError(err.message);
    throw err;
  }
}

async function write(repo: LocalRepo, proposal: Proposal, opts: { date?: Date; force?: boolean }): Promise<BranchWrite> {
  const commit = proposal.commits[0]!;
  return commitToBranch(repo.dir, { branch: proposal.branch, message: commit.message, edits: commit.edits, ...(opts.date ? { date: opts.date } : {}), ...(opts.force ? { force: true } : {}) });
}

/** Input of runStage. */
export interface LocalStage {
  dir: string;
  app: string;
  /** The branch (or any commit-ish) whose version of the app folder becomes the copy. */
  fromRef: string;
  date?: Date;
  force?: boolean;
}

/** What a local stage did. */
export interface LocalStageResult {
  plan: StagePlan;
  proposal: Proposal;
  branch: BranchWrite;
  notes: string[];
}

/** `courier stage`: the copy, as one commit on `courier/rollout/<app>/stage` on top of HEAD. */
export async function runStage(req: LocalStage): Promise<LocalStageResult> {
  const repo = await loadLocalRepo(req.dir);
  const base = await treeSide(repo.dir, 'HEAD');
  const head = await treeSide(repo.dir, req.fromRef).catch((err: Error) => {
    throw new LocalModeError(`--from-ref ${req.fromRef}: ${err.message}`);
  });
  const plan = asLocal(() => planStage({ config: repo.config, base, head, app: req.app }));
  const proposal = buildRolloutProposal(
    { config: repo.config, walk: plan.walk, step: 'stage', folder: plan.folder, edits: plan.copyEdits, changes: plan.changes.filter((c) => c.reason === 'rollout-copy') },
    rolloutTemplatesFor(repo.templateFiles, repo.config.pullRequests.templates),
  );
  const branch = await write(repo, proposal, req);
  return { plan, proposal, branch, notes: repo.notes };
}

/** The CLI text of `courier stage`. */
export function formatStage(r: LocalStageResult): string {
  const order = r.plan.walk.clusters.map((c) => `${c.cluster} (${c.environment})`).join(' → ');
  return (
    `${r.notes.map((n) => `${n}\n`).join('')}${r.branch.action} branch ${r.branch.branch} at ${r.branch.commit}\n` +
    `staged ${r.plan.folder} as ${r.plan.copy} (${r.plan.copyEdits.length} files); ${r.plan.folder} stays as on HEAD\n` +
    `rollout order: ${order}, then delete ${r.plan.folder}\n` +
    `after merging, run: courier rollout --repo . --app ${r.plan.app} --to ${r.plan.copy}\n\npull request it would open:\ntitle: ${r.proposal.title}\n\n${r.proposal.body}`
  );
}

/** Input of runRollout. */
export interface LocalRollout {
  dir: string;
  app: string;
  /** The copy every cluster moves to, repo-relative (`apps/podinfo-v2`). */
  to: string;
  date?: Date;
  force?: boolean;
}

/** What a local rollout step did (`branch` absent when there is nothing to do). */
export interface LocalRolloutResult {
  walk: RolloutWalk;
  step: RolloutStep;
  proposal?: Proposal;
  branch?: BranchWrite;
  notes: string[];
}

/** `courier rollout`: the next step of the walk, as one commit on its branch. */
export async function runRollout(req: LocalRollout): Promise<LocalRolloutResult> {
  const repo = await loadLocalRepo(req.dir);
  const side = await treeSide(repo.dir, 'HEAD');
  const model = buildRepoModel(side.files);
  model.paths = [...side.paths];
  const to = req.to.replace(/^\.\//, '').replace(/\/+$/, '');
  if (!folderExists(to, side.paths)) throw new LocalModeError(`--to ${to}: no such folder at HEAD; stage a copy first (courier stage) or name an existing folder, e.g. --to apps/${req.app}-v2`);
  const app = folderVersion(posix.basename(to), repo.config.rollout.naming).app;
  const wanted = req.app.includes('/') ? folderVersion(posix.basename(req.app), repo.config.rollout.naming).app : req.app;
  if (app !== wanted) throw new LocalModeError(`--to ${to} is a folder of ${app}, not of ${req.app} (rollout.naming is "${repo.config.rollout.naming}")`);
  const problems = folderProblems(to, model);
  if (problems.length > 0) throw new LocalModeError(`--to ${to} does not build, nothing was changed:\n  ${problems.join('\n  ')}`);
  const walk = asLocal(() => readWalk(model, repo.config, to));
  if (walk.clusters.length === 0 && walk.sources.length === 0) throw new LocalModeError(`no Flux Kustomization applies ${to} or an older folder of ${app}: unknown app`);
  const step = asLocal(() => planNextStep(walk, model, side.files));
  const result: LocalRolloutResult = { walk, step, notes: repo.notes };
  if (step.kind === 'done' || step.kind === 'waiting') return result;
  const templates = rolloutTemplatesFor(repo.templateFiles, repo.config.pullRequests.templates);
  const proposal =
    step.kind === 'switch'
      ? buildRolloutProposal({ config: repo.config, walk, step: 'switch', cluster: step.cluster.cluster, environment: step.cluster.environment, edits: step.edits, changes: step.changes }, templates)
      : buildRolloutProposal({ config: repo.config, walk, step: 'finish', edits: step.edits, changes: step.changes }, templates);
  result.proposal = proposal;
  result.branch = await write(repo, proposal, req);
  return result;
}

/** The CLI text of `courier rollout`: which step it wrote and what remains. */
export function formatRollout(r: LocalRolloutResult): string {
  const notes = r.notes.map((n) => `${n}\n`).join('');
  if (r.step.kind === 'done') return `${notes}nothing to do: ${r.step.reason}\n`;
  if (r.step.kind === 'waiting') return `${notes}nothing to do yet: ${r.step.reason}\n`;
  const total = r.walk.clusters.length + 1;
  const current = r.step.kind === 'switch' ? r.walk.clusters.indexOf(r.step.cluster) + 1 : total;
  const view = walkView(r.walk, r.step.kind === 'switch' ? { current: r.step.cluster.cluster } : { finishing: true });
  const remains = view.rows.filter((row) => row.state === 'waiting').map((row) => `switch ${row.cluster}`);
  if (r.step.kind === 'switch') remains.push(`delete ${r.walk.sources.join(', ')}`);
  const what = r.step.kind === 'switch' ? `switch ${r.step.cluster.cluster} (${r.step.cluster.environment}) to ${r.walk.target}` : `delete ${r.step.folders.join(', ')}`;
  const b = r.branch!;
  return (
    `${notes}${b.action} branch ${b.branch} at ${b.commit}\n` +
    `step ${current} of ${total}: ${what}\n` +
    `remains: ${remains.length > 0 ? remains.join(', ') : 'nothing'}\n` +
    'locally there is no cluster to wait for: check the previous cluster\'s health yourself, merge this branch, then run the same command again\n' +
    `\npull request it would open:\ntitle: ${r.proposal!.title}\n\n${r.proposal!.body}`
  );
}
