/**
 * Dresses a promotion plan as a Proposal on `courier/promote/<to>/<from>`: one branch per step, so a
 * newer change in `from` updates the open PR instead of opening another. Texts come from the
 * promotion templates (`templates/promotion-*.hbs`, overridable per repository): the versions that
 * move, the folders synced and the drift report (what differs and does not move).
 */
import type { CourierConfig } from '../config/index.ts';
import { warningText } from '../proposal/warning-text.ts';
import { formatBranch } from '../proposal/names.ts';
import { loadTemplates, renderProposalText, type ProposalTemplates } from '../proposal/template-engine.ts';
import { COURIER_LABEL, type Proposal } from '../proposal/proposal.ts';
import { formatVersion } from './read-inventory.ts';
import type { PromotionPlan } from './plan-promotion.ts';
import type { VersionMove } from './diff-inventories.ts';

/** `1.3.2 → 1.4.0` for an image or chart move. */
export function describeMove(move: VersionMove): string {
  const before = move.kind === 'chart' ? move.from.version! : formatVersion(move.from.tag, move.from.digest);
  const after = move.kind === 'chart' ? move.to.version! : formatVersion(move.to.tag, move.to.digest);
  return `${move.kind} ${move.key}: ${before} → ${after}`;
}

/** The templates a promotion proposal needs, as file names in `templates/` (or the repo's override folder). */
export const PROMOTION_TEMPLATE_NAMES = ['promotion-pr-title.hbs', 'promotion-pr-body.hbs', 'promotion-commit-message.hbs'] as const;

/** Compiles the promotion templates from `read` (repository override first, then built-in); throws TemplateError. */
export function loadPromotionTemplates(read: (name: string) => string | undefined): ProposalTemplates {
  const [title, body, commitMessage] = PROMOTION_TEMPLATE_NAMES;
  return loadTemplates(read, { title, body, commitMessage });
}

/** What the promotion templates see. */
export interface PromotionView {
  from: string;
  to: string;
  clusters: string[];
  moves: { kind: string; key: string; old: string; new: string }[];
  /** The only move, when there is exactly one. */
  move?: { kind: string; key: string; old: string; new: string };
  changes: { file: string; line: number; field: string; old: string; new: string }[];
  sync: { verb: 'created' | 'updated' | 'deleted'; path: string; source: string; gone: boolean }[];
  drift: {
    any: boolean;
    onlyIn: PromotionPlan['diff']['onlyIn'];
    files: PromotionPlan['drift']['files'];
    values: PromotionPlan['drift']['values'];
  };
  warnings: { location?: string; message: string }[];
}

/** Builds the proposal of a planned promotion; its commits are empty when nothing moves. */
export function buildPromotionProposal(plan: PromotionPlan, config: CourierConfig, templates: ProposalTemplates): Proposal {
  const from = plan.from.environment;
  const to = plan.to.environment;
  const environment = config.environments.find((e) => e.name === to)!;
  const subject = from;
  const moved = plan.diff.moves.filter((m) => plan.changeSet.changes.some((c) => c.old !== c.new && (m.kind === 'chart' ? c.reason === 'chart-version' : (c as { image?: string }).image === m.key)));
  const moves = moved.map((m) => ({
    kind: m.kind,
    key: m.key,
    old: m.kind === 'chart' ? m.from.version! : formatVersion(m.from.tag, m.from.digest),
    new: m.kind === 'chart' ? m.to.version! : formatVersion(m.to.tag, m.to.digest),
  }));
  const synced = new Set(plan.sync.map((f) => f.path));
  const fileDrift = plan.drift.files.filter((f) => !synced.has(f.path) && !synced.has(f.counterpart));
  const view: PromotionView = {
    from,
    to,
    clusters: environment.clusters,
    moves,
    ...(moves.length === 1 ? { move: moves[0]! } : {}),
    changes: plan.changeSet.changes.map((c) => ({ file: c.file, line: c.line, field: c.field, old: c.old, new: c.new })),
    sync: plan.sync.map((f) => ({ verb: `${f.action}d` as 'created' | 'updated' | 'deleted', path: f.path, source: f.source, gone: f.action === 'delete' })),
    drift: { any: plan.diff.onlyIn.length + fileDrift.length + plan.drift.values.length > 0, onlyIn: plan.diff.onlyIn, files: fileDrift, values: plan.drift.values },
    warnings: plan.changeSet.warnings.map((w) => {
      const t = warningText(w);
      return { ...(t.location ? { location: t.location } : {}), message: t.text };
    }),
  };
  const metadata = { version: 1 as const, kind: 'promotion' as const, environment: to, subject, from, moves: moved.map(describeMove) };
  const text = renderProposalText(view, metadata, templates);
  const edits = plan.changeSet.edits.map((e) => ({ path: e.path, before: e.before, after: e.after }));
  return {
    kind: 'promotion',
    environment: to,
    subject,
    branch: formatBranch({ kind: 'promotion', environment: to, subject }),
    title: text.title,
    body: text.body,
    labels: [...new Set([COURIER_LABEL, ...config.pullRequests.labels])],
    reviewers: config.pullRequests.reviewers,
    teamReviewers: config.pullRequests.teamReviewers,
    autoMerge: environment.autoMerge,
    commits: edits.length > 0 ? [{ message: text.commitMessage, edits }] : [],
    changeSet: plan.changeSet,
    metadata,
  };
}
