/**
 * Rollback of one environment to its last all-green versions (issue 8, point 3): every version entry
 * (image tag and digest, chart version) the environment pins now and pinned differently at the last
 * commit all its clusters reported healthy goes back to that value — downgrades included, which is the
 * point — and nothing else changes. Each value is copied byte-minimally from the same field of the same
 * document of that commit's file, so a rollback reads like the reverse of the change that failed.
 * Pure: both commits' files in, a Proposal out.
 */
import type { CourierConfig } from '../config/index.ts';
import type { Change, Warning } from '../proposal/change.ts';
import { formatBranch, formatMetadata } from '../proposal/names.ts';
import { COURIER_LABEL, type FileEdit, type Proposal } from '../proposal/proposal.ts';
import type { RepoFile } from '../repo-model/repo-file.ts';
import { applyScalarEdits, type ScalarEdit } from '../yaml/scalar-edit.ts';
import { isParseFailure, parseYamlFile, scalarText, walkScalars, type ScalarAt } from '../yaml/yaml-file.ts';
import { formatVersion, readInventory, type VersionSite } from './read-inventory.ts';

/** Input of planRollback. */
export interface RollbackInput {
  config: CourierConfig;
  environment: string;
  /** The repository's files now (the default branch's head). */
  files: readonly RepoFile[];
  /** The files at the last commit every cluster of the environment reported healthy. */
  goodFiles: readonly RepoFile[];
  goodCommit: string;
  /** Why: which cluster failed on which commit (one line, shown in the PR). */
  reason: string;
}

/** An entry going back. */
export interface RollbackMove {
  kind: 'image' | 'chart';
  key: string;
  from: string;
  to: string;
}

/** The rollback plan: the moves, the byte-minimal edits, warnings for what could not be put back. */
export interface RollbackPlan {
  moves: RollbackMove[];
  changeSet: { edits: FileEdit[]; changes: Change[]; warnings: Warning[] };
}

function scalarsOf(text: string): Array<Map<string, ScalarAt>> | undefined {
  const parsed = parseYamlFile(text);
  if (isParseFailure(parsed)) return undefined;
  return parsed.documents.map((doc) => {
    const byField = new Map<string, ScalarAt>();
    walkScalars(doc.contents, '', (at) => byField.set(at.field, at));
    return byField;
  });
}

/** Plans putting `environment`'s versions back to what `goodFiles` pin. */
export function planRollback(input: RollbackInput): RollbackPlan {
  const now = readInventory(input.files, input.config, input.environment);
  // Site by site, not entry by entry: two clusters may pin one image through two variables, and only
  // the one that changed goes back.
  const sites: Array<VersionSite & { kind: 'image' | 'chart'; key: string }> = [
    ...[...now.images.values()].flatMap((e) => e.sites.map((s) => ({ ...s, kind: 'image' as const, key: e.repository }))),
    ...[...now.charts.values()].flatMap((e) => e.sites.map((s) => ({ ...s, kind: 'chart' as const, key: e.key }))),
  ];
  const moves: RollbackMove[] = [];
  const texts = new Map(input.files.map((f) => [f.path, f.text]));
  const goodTexts = new Map(input.goodFiles.map((f) => [f.path, f.text]));
  const warnings: Warning[] = [];
  const changes: Change[] = [];
  const edits: FileEdit[] = [];
  for (const path of [...new Set(sites.map((s) => s.file))].sort()) {
    const text = texts.get(path)!;
    const before = goodTexts.get(path);
    const ours = scalarsOf(text);
    const theirs = before === undefined ? undefined : scalarsOf(before);
    const scalarEdits: ScalarEdit[] = [];
    for (const site of sites.filter((x) => x.file === path)) {
      const doc = ours?.findIndex((d) => [...d.values()].some((at) => at.field === site.field && lineOf(text, at) === site.line)) ?? -1;
      const at = doc >= 0 ? ours![doc]!.get(site.field) : undefined;
      const old = doc >= 0 ? theirs?.[doc]?.get(site.field) : undefined;
      if (!at || !old) {
        warnings.push({ code: 'rollback-manual', file: path, line: site.line, field: site.field, message: `${path}:${site.line} ${site.field} did not exist at ${input.goodCommit.slice(0, 7)} in this form; put it back by hand.` });
        continue;
      }
      const value = scalarText(old.node);
      const current = scalarText(at.node);
      if (value === undefined || value === current) continue;
      scalarEdits.push({ node: at.node, value, inFlow: at.inFlow });
      if (!moves.some((m) => m.key === site.key && m.from === current && m.to === value)) moves.push({ kind: site.kind, key: site.key, from: current ?? '', to: value });
      changes.push({ file: path, line: site.line, object: null, field: site.field, old: current ?? '', new: value, reason: 'rollback', why: `what ${input.goodCommit.slice(0, 7)} ran healthily` });
    }
    if (scalarEdits.length === 0) continue;
    const after = applyScalarEdits(text, scalarEdits);
    if (after !== text) edits.push({ path, before: text, after });
  }
  changes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  return { moves, changeSet: { edits, changes, warnings } };
}

function lineOf(text: string, at: ScalarAt): number {
  const offset = at.node.range?.[0] ?? 0;
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The rollback proposal on `courier/promote/<environment>/rollback`. */
export function buildRollbackProposal(plan: RollbackPlan, input: Pick<RollbackInput, 'config' | 'environment' | 'goodCommit' | 'reason'>): Proposal {
  const env = input.config.environments.find((e) => e.name === input.environment)!;
  const subject = 'rollback';
  const title = `Roll back ${input.environment} to ${input.goodCommit.slice(0, 7)}: ${plan.moves.length === 1 ? `${plan.moves[0]!.key} ${plan.moves[0]!.from} → ${plan.moves[0]!.to}` : `${plan.moves.length} versions`}`;
  const body = [
    `Courier rolls **${input.environment}** back to the versions of \`${input.goodCommit.slice(0, 12)}\`, the last commit every cluster of ${input.environment} reported healthy, because ${input.reason}.`,
    '',
    'Promotions out of this environment are frozen until someone runs `/courier release ' + input.environment + '`.',
    '',
    '| Kind | Entry | Now | Back to |',
    '|---|---|---|---|',
    ...plan.moves.map((m) => `| ${m.kind} | \`${m.key}\` | ${m.from} | ${m.to} |`),
    '',
    '### Changed',
    '',
    ...plan.changeSet.changes.map((c) => `- \`${c.file}:${c.line}\` \`${c.field}\`: ${c.old} → ${c.new}`),
    ...(plan.changeSet.warnings.length > 0 ? ['', '### Warnings', '', ...plan.changeSet.warnings.map((w) => `- ${w.message}`)] : []),
  ].join('\n');
  const metadata = { version: 1 as const, kind: 'promotion' as const, environment: input.environment, subject, rollbackTo: input.goodCommit, moves: plan.moves.map((m) => `${m.kind} ${m.key}: ${m.from} → ${m.to}`) };
  return {
    kind: 'promotion',
    environment: input.environment,
    subject,
    branch: formatBranch({ kind: 'promotion', environment: input.environment, subject }),
    title,
    body: `${body}\n\n${formatMetadata(metadata)}\n`,
    labels: [...new Set([COURIER_LABEL, ...input.config.pullRequests.labels])],
    reviewers: input.config.pullRequests.reviewers,
    teamReviewers: input.config.pullRequests.teamReviewers,
    autoMerge: env.autoMerge,
    commits: plan.changeSet.edits.length > 0 ? [{ message: `${title}\n\n${plan.changeSet.changes.map((c) => `${c.file}:${c.line} ${c.field}: ${c.old} -> ${c.new}`).join('\n')}\n`, edits: plan.changeSet.edits }] : [],
    changeSet: plan.changeSet,
    metadata,
  };
}
