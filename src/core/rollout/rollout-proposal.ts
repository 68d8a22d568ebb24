/**
 * Dresses a rollout step as a Proposal on `courier/rollout/<app>/<step>`: the stage (CLI), a
 * cluster's switch, the old folder's deletion, an abort or a cluster's rollback. Texts come from the
 * rollout templates (`templates/rollout-*.hbs`, overridable per repository) and show the walk.
 */
import type { CourierConfig } from '../config/index.ts';
import type { Change } from '../proposal/change.ts';
import { formatBranch } from '../proposal/names.ts';
import { COURIER_LABEL, type FileEdit, type Proposal } from '../proposal/proposal.ts';
import { loadTemplates, renderProposalText, type ProposalTemplates } from '../proposal/template-engine.ts';
import { walkDiagram, walkTable, walkView } from './render-walk.ts';
import type { RolloutWalk } from './rollout-walk.ts';

/** The templates a rollout proposal needs, as file names in `templates/` (or the repo's override folder). */
export const ROLLOUT_TEMPLATE_NAMES = ['rollout-pr-title.hbs', 'rollout-pr-body.hbs', 'rollout-commit-message.hbs'] as const;

/** Compiles the rollout templates from `read` (repository override first, then built-in); throws TemplateError. */
export function loadRolloutTemplates(read: (name: string) => string | undefined): ProposalTemplates {
  const [title, body, commitMessage] = ROLLOUT_TEMPLATE_NAMES;
  return loadTemplates(read, { title, body, commitMessage });
}

/** Which step a proposal is. */
export type RolloutStepKind = 'stage' | 'switch' | 'finish' | 'abort' | 'rollback';

/** What a rollout proposal is built from. */
export interface RolloutProposalInput {
  config: CourierConfig;
  walk: RolloutWalk;
  step: RolloutStepKind;
  /** The cluster a switch or rollback moves. */
  cluster?: string;
  /** Its environment (auto-merge, labels); the first environment for stage, finish and abort. */
  environment?: string;
  /** For a stage: the folder that was edited. */
  folder?: string;
  /** Why (a rollback or an abort), one line. */
  reason?: string;
  edits: FileEdit[];
  changes: Change[];
}

/** The branch of a step: `courier/rollout/<app>/<step>[-<cluster>]`. */
export function rolloutBranch(app: string, step: RolloutStepKind, cluster?: string): string {
  return formatBranch({ kind: 'rollout', environment: app, subject: cluster ? `${step}-${cluster}` : step });
}

/** Builds the proposal of a rollout step; its commits are empty when there is nothing to change. */
export function buildRolloutProposal(input: RolloutProposalInput, templates: ProposalTemplates): Proposal {
  const { config, walk, step, cluster } = input;
  const environment = config.environments.find((e) => e.name === input.environment) ?? config.environments[0]!;
  const view = walkView(walk, {
    ...(step === 'switch' && cluster ? { current: cluster } : {}),
    ...(step === 'rollback' && cluster ? { rolledBack: cluster } : {}),
    ...(step === 'finish' ? { finishing: true } : {}),
  });
  const data = {
    app: walk.app,
    step,
    cluster,
    environment: environment.name,
    target: walk.target,
    source: walk.sources[0] ?? input.folder ?? '',
    sources: walk.sources,
    folder: input.folder,
    reason: input.reason,
    isStage: step === 'stage',
    isSwitch: step === 'switch',
    isFinish: step === 'finish',
    isAbort: step === 'abort',
    isRollback: step === 'rollback',
    next: view.rows.find((r) => r.state === 'waiting')?.cluster,
    table: walkTable(view, walk),
    diagram: walkDiagram(view, walk),
    changes: input.changes.filter((c) => c.reason === 'kustomization-path').map((c) => ({ file: c.file, line: c.line, old: c.old, new: c.new })),
    files: input.edits.length,
    deleted: input.edits.filter((e) => e.after === null).map((e) => e.path),
    created: input.edits.filter((e) => e.before === null).map((e) => e.path),
  };
  const subject = cluster ? `${step}-${cluster}` : step;
  const metadata = { version: 1 as const, kind: 'rollout' as const, environment: environment.name, subject, app: walk.app, target: walk.target, sources: walk.sources, step, ...(cluster ? { cluster } : {}) };
  const text = renderProposalText(data, metadata, templates);
  return {
    kind: 'rollout',
    environment: environment.name,
    subject,
    branch: rolloutBranch(walk.app, step, cluster),
    title: text.title,
    body: text.body,
    labels: [...new Set([COURIER_LABEL, ...config.pullRequests.labels])],
    reviewers: config.pullRequests.reviewers,
    teamReviewers: config.pullRequests.teamReviewers,
    autoMerge: step === 'switch' || step === 'finish' ? environment.autoMerge : false,
    commits: input.edits.length > 0 ? [{ message: text.commitMessage, edits: input.edits }] : [],
    changeSet: { edits: input.edits, changes: input.changes, warnings: [] },
    metadata,
  };
}
