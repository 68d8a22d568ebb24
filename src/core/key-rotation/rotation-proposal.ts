/**
 * Dresses a rotation step as a Proposal on `courier/rotate-keys/all/<start|finish>`: texts from the
 * step's record (`renderRotation`, never from file contents), the second step stacked on the first
 * (`dependsOn`) and saying plainly what the old key can still decrypt.
 */
import type { CourierConfig } from '../config/index.ts';
import { COURIER_LABEL, type Proposal } from '../proposal/proposal.ts';
import { formatMetadata } from '../proposal/names.ts';
import { renderRotation } from './render-rotation.ts';
import type { RotationPlan } from './rotation-types.ts';

/** What the old key can still read after step 2, and what to do about it (PR 2's body and the CLI). */
export const HISTORY_NOTE =
  '**The old key still decrypts Git history.** Every earlier commit keeps its files encrypted for the old key, so anyone holding it can read the secrets as they were up to this change. Treat the old key as compromised if it leaked: rotate the secret values themselves (new passwords, tokens), then destroy every copy of the old key (the previous Flux key Secret in each cluster, backups, CI variables); rewriting history does not help once a clone exists.';

/** The branch of a step. */
export const rotationBranch = (step: 'start' | 'finish'): string => renderRotation({ step, edits: [], changes: [], problems: [], replacements: [] }).branch;

/** Builds the proposal of a rotation step (no commits when the plan changes nothing). */
export function buildRotationProposal(plan: RotationPlan, config: CourierConfig, opts: { startPullRequest?: number } = {}): Proposal {
  const rendered = renderRotation(plan);
  const environment = config.environments[0]!;
  const next =
    plan.step === 'start'
      ? '\n\n**Next**: after this merges, Courier waits until every affected cluster reports that it applied the merge (or a later commit) healthily, then opens step 2 on its own.'
      : `\n\n${HISTORY_NOTE}${opts.startPullRequest ? `\n\nStep 1: #${opts.startPullRequest}.` : ''}`;
  const metadata = {
    version: 1 as const,
    kind: 'rotation' as const,
    environment: environment.name,
    subject: plan.step,
    step: plan.step,
    recipients: plan.replacements.map((r) => r.new),
    ...(plan.step === 'finish' ? { dependsOn: rotationBranch('start') } : {}),
  };
  const body = `${rendered.body}${next}\n\n${formatMetadata(metadata)}\n`;
  return {
    kind: 'rotation',
    environment: environment.name,
    subject: plan.step,
    branch: rendered.branch,
    title: rendered.title,
    body,
    labels: [...new Set([COURIER_LABEL, ...config.pullRequests.labels])],
    reviewers: config.pullRequests.reviewers,
    teamReviewers: config.pullRequests.teamReviewers,
    // Key changes are reviewed by a person: never auto-merged.
    autoMerge: false,
    commits: plan.edits.length > 0 ? [{ message: rendered.message, edits: plan.edits.map((e) => ({ path: e.path, before: e.before, after: e.after })) }] : [],
    changeSet: { edits: plan.edits.map((e) => ({ path: e.path, before: e.before, after: e.after })), changes: plan.changes.map((c) => ({ file: c.file, line: 0, object: null, field: '', old: c.removed.join(' '), new: c.added.join(' '), reason: c.action })), warnings: [] },
    metadata,
  };
}
