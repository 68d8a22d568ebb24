/** Title, commit message and PR body of a rotation step, rendered from its record (never from file contents). */
import { formatBranch } from '../proposal/names.ts';
import type { RotationPlan } from './rotation-types.ts';

const short = (r: string) => (r.length > 24 ? `${r.slice(0, 16)}…${r.slice(-6)}` : r);

export function renderRotation(plan: RotationPlan): { branch: string; title: string; body: string; message: string } {
  // One fixed Courier branch per step (courier/rotate-keys/all/start, …/finish), so a re-run replaces
  // Courier's own branch (commitToBranch) instead of adding one per generated key.
  const branch = formatBranch({ kind: 'rotation', environment: 'all', subject: plan.step });
  const title = plan.step === 'start' ? 'Rotate SOPS keys (1/2): add the new age recipients' : 'Rotate SOPS keys (2/2): re-encrypt for the new keys only';
  const lines = plan.changes.map((c) => {
    const delta = [...c.added.map((a) => `+${short(a)}`), ...c.removed.map((r) => `-${short(r)}`)].join(' ');
    return `- ${c.file}: ${c.action}${delta ? ` (${delta})` : ''}${c.note ? ` — ${c.note}` : ''}`;
  });
  const keys = plan.replacements.map((r) => `- ${r.old.map(short).join(', ')} → ${r.new}`);
  const why =
    plan.step === 'start'
      ? 'Every SOPS file gains the new recipient (same data key, values and MAC). The Flux key Secrets hold the old and the new key, still encrypted for the old key, so clusters decrypt with either. Merge, wait until every cluster has applied this commit, then run the second step.'
      : 'Every SOPS file gets a new data key, wrapped for the new recipients only. The Flux key Secrets hold only the new key.';
  const body = [why, '', 'New public keys:', ...keys, '', `Files (${plan.changes.length}):`, ...lines].join('\n');
  return { branch, title, body, message: `${title}\n\n${body}\n` };
}
