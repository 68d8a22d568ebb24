/**
 * The local-repository mode of a promotion: plan on HEAD's files; `promote` writes one commit on
 * `courier/promote/<to>/<from>` without touching HEAD, index or working tree (like `bump`), and
 * `status` prints each environment's inventory and every version that differs.
 */
import { createTwoFilesPatch } from 'diff';
import { PlanError } from '../core/image-update/plan-image-update.ts';
import type { Warning } from '../core/proposal/change.ts';
import type { Proposal } from '../core/proposal/proposal.ts';
import { buildPromotionProposal, diffInventories, formatVersion, planPromotion, readInventory, type Inventory, type PromotionPlan } from '../core/promotion/index.ts';
import { describeMove } from '../core/promotion/promotion-proposal.ts';
import { warningText } from '../core/proposal/warning-text.ts';
import { commitToBranch, readTree } from '../git/local-repo.ts';
import { promotionTemplatesFor } from '../builtin-templates.ts';
import { loadLocalRepo, LocalModeError } from './load-local-repo.ts';

/** Input of runPromotion. */
export interface LocalPromotion {
  dir: string;
  from: string;
  to: string;
  /** False for `--dry-run`: show the versions that would move, write nothing. */
  write: boolean;
  date?: Date;
  force?: boolean;
}

/** What a local promotion did. */
export interface LocalPromotionResult {
  plan: PromotionPlan;
  proposal: Proposal;
  diff: string;
  warnings: Warning[];
  branch?: { name: string; commit: string; action: 'created' | 'updated' | 'replaced' };
}

/** Plans (and unless dry-run, commits) a promotion in a local repository. */
export async function runPromotion(req: LocalPromotion): Promise<LocalPromotionResult> {
  const repo = await loadLocalRepo(req.dir);
  const files = [...repo.files];
  const folders = repo.config.promotion.folders.flatMap((f) => [f.from, f.to]);
  if (folders.length > 0) {
    // A synced folder carries every text file (scripts, JSON, configs), not only the manifests the planner reads.
    const known = new Set(files.map((f) => f.path));
    const extra = await readTree(repo.dir, 'HEAD', { include: (p) => !known.has(p) && folders.some((folder) => p.startsWith(`${folder}/`)) });
    files.push(...extra.files);
  }
  let plan: PromotionPlan;
  try {
    plan = planPromotion({ files, config: repo.config, from: req.from, to: req.to });
  } catch (err) {
    if (err instanceof PlanError) throw new LocalModeError(err.message);
    throw err;
  }
  const proposal = buildPromotionProposal(plan, repo.config, promotionTemplatesFor(repo.templateFiles, repo.config.pullRequests.templates));
  const diff = plan.changeSet.edits
    .map((e) =>
      createTwoFilesPatch(e.before === null ? '/dev/null' : `a/${e.path}`, e.after === null ? '/dev/null' : `b/${e.path}`, e.before ?? '', e.after ?? '', undefined, undefined, { context: 3 }).replace(/^=+\n/, ''),
    )
    .join('');
  const result: LocalPromotionResult = { plan, proposal, diff, warnings: [...repo.skipped, ...plan.changeSet.warnings] };
  if (req.write && proposal.commits.length > 0) {
    const commit = proposal.commits[0]!;
    const written = await commitToBranch(repo.dir, {
      branch: proposal.branch,
      message: commit.message,
      edits: commit.edits,
      ...(req.date ? { date: req.date } : {}),
      ...(req.force ? { force: true } : {}),
    });
    result.branch = { name: written.branch, commit: written.commit, action: written.action };
  }
  return result;
}

function formatWarnings(warnings: readonly Warning[]): string {
  return warnings.map((w) => {
    const t = warningText(w);
    return `warning: ${t.location ? `${t.location}: ` : ''}${t.text}\n`;
  }).join('');
}

/** The CLI text of `courier promote`. */
export function formatPromotion(r: LocalPromotionResult, dryRun: boolean): string {
  const warnings = formatWarnings(r.warnings);
  if (r.proposal.commits.length === 0) return `${warnings}nothing to do: ${r.plan.to.environment} already pins what ${r.plan.from.environment} runs\n`;
  const moves = r.plan.diff.moves.filter((m) => r.proposal.changeSet.changes.some((c) => c.new === (m.kind === 'chart' ? m.to.version : m.to.tag) || c.new.includes(formatVersion(m.to.tag, m.to.digest))));
  const lines = moves.map((m) => `  ${describeMove(m)}\n`).join('');
  if (dryRun) return `${warnings}would promote ${r.plan.from.environment} to ${r.plan.to.environment}:\n${lines}${r.diff}`;
  const b = r.branch!;
  return `${warnings}${b.action} branch ${b.name} at ${b.commit}\n${lines}\npull request it would open:\ntitle: ${r.proposal.title}\n\n${r.proposal.body}`;
}

/** The CLI text of `courier status`: inventory per environment, then what differs between neighbours. */
export async function runStatus(dir: string): Promise<string> {
  const repo = await loadLocalRepo(dir);
  const inventories: Inventory[] = repo.config.environments.map((e) => readInventory(repo.files, repo.config, e.name));
  let text = '';
  for (const inv of inventories) {
    text += `${inv.environment}:\n`;
    const rows = [
      ...[...inv.images.values()].map((i) => `  image ${i.repository} ${formatVersion(i.tag, i.digest)}`),
      ...[...inv.charts.values()].map((c) => `  chart ${c.key} ${c.version}`),
    ].sort();
    text += rows.length > 0 ? `${rows.join('\n')}\n` : '  (nothing pinned)\n';
  }
  for (let i = 0; i + 1 < inventories.length; i++) {
    const diff = diffInventories(inventories[i]!, inventories[i + 1]!);
    text += `\n${inventories[i]!.environment} → ${inventories[i + 1]!.environment}:\n`;
    if (diff.moves.length === 0 && diff.onlyIn.length === 0 && diff.warnings.length === 0) text += '  no differences\n';
    for (const m of diff.moves) text += `  would move ${describeMove(m)}\n`;
    for (const d of diff.onlyIn) text += `  only in ${d.environment}: ${d.kind} ${d.key} ${d.version}\n`;
    text += formatWarnings(diff.warnings).replace(/^/gm, '  ').replace(/ {2}$/, '');
  }
  return formatWarnings([...repo.skipped, ...inventories.flatMap((inv) => inv.warnings)]) + text;
}
