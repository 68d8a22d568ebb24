/**
 * `courier rotate-keys [--finish]`: plans a rotation step on HEAD's files and writes it as one commit on
 * a `courier/rotate-keys/…` branch; HEAD, the index and the working tree stay as they are.
 */
import { HISTORY_NOTE, planRotationFinish, planRotationStart, renderRotation, type RotationPlan } from '../core/key-rotation/index.ts';
import { commitToBranch } from '../git/local-repo.ts';
import { loadLocalRepo, LocalModeError } from './load-local-repo.ts';
import { identitiesFromEnv } from './sops-identities.ts';

export interface LocalRotateKeys {
  dir: string;
  finish: boolean;
  env: Record<string, string | undefined>;
  /** Commit date and `lastmodified`, for reproducible runs. */
  date?: Date;
}

export interface LocalRotateKeysResult {
  plan: RotationPlan;
  rendered: ReturnType<typeof renderRotation>;
  branch?: { name: string; commit: string };
}

const where = (p: RotationPlan['problems'][number]) => (p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : p.glob ? `sops.keySecrets "${p.glob}": ` : '');

export async function runRotateKeys(req: LocalRotateKeys): Promise<LocalRotateKeysResult> {
  const identities = await identitiesFromEnv(req.env, true);
  // One read of every file: any of them may be SOPS-encrypted (Flux finds SOPS files by their bytes).
  const repo = await loadLocalRepo(req.dir, { include: () => true });
  const files = repo.loaded;
  const now = req.date ?? new Date();
  const input = { files, identities, keySecrets: repo.config.sops.keySecrets, now };
  const plan = req.finish ? await planRotationFinish(input) : await planRotationStart(input);
  if (plan.problems.length > 0) {
    throw new LocalModeError(`rotation stopped, nothing was written:\n  ${plan.problems.map((p) => `${where(p)}${p.message}`).join('\n  ')}`);
  }
  const rendered = renderRotation(plan);
  const result: LocalRotateKeysResult = { plan, rendered };
  if (plan.edits.length > 0) {
    const written = await commitToBranch(req.dir, { branch: rendered.branch, message: rendered.message, edits: plan.edits.map((e) => ({ path: e.path, after: e.after })), date: now });
    result.branch = { name: written.branch, commit: written.commit };
  }
  return result;
}

export function formatRotateKeys(r: LocalRotateKeysResult): string {
  const out = [`courier rotate-keys: step ${r.plan.step === 'start' ? '1' : '2'} of 2`];
  if (!r.branch) out.push('nothing to do: no SOPS file uses the keys of the configured key Secrets.');
  else {
    out.push('', 'New public keys (the private keys exist only inside the encrypted key Secrets):', ...r.plan.replacements.map((x) => `  ${x.new}`));
    out.push('', 'Pull request Courier would open on GitHub:', `  branch:  ${r.rendered.branch}`, `  title:   ${r.rendered.title}`, '  body:', r.rendered.body.replace(/^/gm, '    '));
    out.push('', `created branch ${r.branch.name} at ${r.branch.commit} (your branch, HEAD and working tree are unchanged)`);
    out.push(
      r.plan.step === 'start'
        ? 'Locally there is no cluster to wait for: merge this branch, make sure every cluster has applied it (its Flux Kustomizations Ready at that commit), then run `courier rotate-keys --finish`.'
        : `Merge this branch to retire the old keys.\n\n${HISTORY_NOTE.replace(/\*\*/g, '')}`,
    );
  }
  const skipped = r.plan.changes.filter((c) => c.action === 'skipped' || c.action === 'remove-recipients');
  if (skipped.length > 0) out.push('', 'needs attention:', ...skipped.map((c) => `  - ${c.file}: ${c.note}`));
  return `${out.join('\n')}\n`;
}
