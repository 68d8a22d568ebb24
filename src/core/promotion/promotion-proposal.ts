/**
 * Dresses a promotion plan as a Proposal on `courier/promote/<to>/<from>`: one branch per step, so a
 * newer change in `from` updates the open PR instead of opening another. The body lists the versions
 * that move and, as the drift report, the entries only one environment pins (they do not move).
 */
import type { CourierConfig } from '../config/index.ts';
import { warningText } from '../proposal/warning-text.ts';
import { formatBranch, formatMetadata } from '../proposal/names.ts';
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

/** Builds the proposal of a planned promotion; its commits are empty when nothing moves. */
export function buildPromotionProposal(plan: PromotionPlan, config: CourierConfig): Proposal {
  const from = plan.from.environment;
  const to = plan.to.environment;
  const environment = config.environments.find((e) => e.name === to)!;
  const subject = from;
  const moved = plan.diff.moves.filter((m) => plan.changeSet.changes.some((c) => c.old !== c.new && (m.kind === 'chart' ? c.reason === 'chart-version' : (c as { image?: string }).image === m.key)));
  const what = [moved.length === 1 ? describeMove(moved[0]!).replace(/^\w+ /, '') : moved.length > 1 ? `${moved.length} versions` : '', plan.sync.length > 0 ? `${plan.sync.length} synced file${plan.sync.length === 1 ? '' : 's'}` : ''].filter(Boolean);
  const title = `Promote ${from} to ${to}: ${what.join(', ') || 'nothing'}`;
  const lines = [`Courier promotes what **${from}** runs to **${to}**.`, '', '| Kind | Entry | In ' + to + ' | From ' + from + ' |', '|---|---|---|---|'];
  for (const m of moved) {
    lines.push(`| ${m.kind} | \`${m.key}\` | ${m.kind === 'chart' ? m.from.version : formatVersion(m.from.tag, m.from.digest)} | ${m.kind === 'chart' ? m.to.version : formatVersion(m.to.tag, m.to.digest)} |`);
  }
  lines.push('', '### Changed', '');
  for (const c of plan.changeSet.changes) lines.push(`- \`${c.file}:${c.line}\` \`${c.field}\`: ${c.old} → ${c.new}`);
  if (plan.sync.length > 0) {
    lines.push('', '### Folders synced', '');
    for (const f of plan.sync) lines.push(`- ${f.action === 'delete' ? 'deleted' : f.action === 'create' ? 'created' : 'updated'} \`${f.path}\` (${f.action === 'delete' ? `\`${f.source}\` is gone` : `from \`${f.source}\``})`);
  }
  const synced = new Set(plan.sync.map((f) => f.path));
  const fileDrift = plan.drift.files.filter((f) => !synced.has(f.path) && !synced.has(f.counterpart));
  if (plan.diff.onlyIn.length > 0 || plan.drift.values.length > 0 || fileDrift.length > 0) {
    lines.push('', '### Drift (does not move)', '');
    for (const d of plan.diff.onlyIn) lines.push(`- ${d.kind} \`${d.key}\` ${d.version}: only in ${d.environment}`);
    for (const f of fileDrift) lines.push(`- file \`${f.path}\`: only in ${f.onlyIn} (no \`${f.counterpart}\`)`);
    if (plan.drift.values.length > 0) {
      lines.push('', `| HelmRelease | Setting | ${from} | ${to} |`, '|---|---|---|---|');
      const cell = (v: string): string => v.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
      for (const v of plan.drift.values) lines.push(`| \`${v.release}\` | \`${v.field}\` | ${cell(v.from)} | ${cell(v.to)} |`);
    }
  }
  if (plan.changeSet.warnings.length > 0) {
    lines.push('', '### Warnings', '');
    for (const w of plan.changeSet.warnings) { const t = warningText(w); lines.push(`- ${t.location ? `${t.location}: ` : ''}${t.text}`); };
  }
  const metadata = { version: 1 as const, kind: 'promotion' as const, environment: to, subject, from, moves: moved.map(describeMove) };
  const edits = plan.changeSet.edits.map((e) => ({ path: e.path, before: e.before, after: e.after }));
  const commitMessage = `${title}\n\n${[...plan.changeSet.changes.map((c) => `${c.file}:${c.line} ${c.field}: ${c.old} -> ${c.new}`), ...plan.sync.map((f) => `${f.path}: ${f.action}d from ${f.source}`)].join('\n')}\n`;
  return {
    kind: 'promotion',
    environment: to,
    subject,
    branch: formatBranch({ kind: 'promotion', environment: to, subject }),
    title,
    body: `${lines.join('\n')}\n\n${formatMetadata(metadata)}\n`,
    labels: [...new Set([COURIER_LABEL, ...config.pullRequests.labels])],
    reviewers: config.pullRequests.reviewers,
    teamReviewers: config.pullRequests.teamReviewers,
    autoMerge: environment.autoMerge,
    commits: edits.length > 0 ? [{ message: commitMessage, edits }] : [],
    changeSet: plan.changeSet,
    metadata,
  };
}
