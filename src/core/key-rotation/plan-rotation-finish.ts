/**
 * Step 2 of a key rotation, once every cluster applied step 1: every SOPS file `rotate`d to a new data
 * key for its recipients without the old key, each key Secret holding only the new key (encrypted for
 * it), `.sops.yaml` listing the new recipients only. Refused while step 1 is not in the base.
 */
import { rotateDataKey, updateKeys, type AgeIdentity } from '../sops/index.ts';
import { encodeKeyValue, matchKeySecrets, secretIdentities } from './key-secret.ts';
import { openKeySecret, openOrReport, sopsFiles, verifyWritten } from './rotation-files.ts';
import type { FileEdit, RotationChange, RotationInput, RotationPlan, RotationProblem } from './rotation-types.ts';
import { rewriteRuleRecipients } from './sops-config-recipients.ts';

export async function planRotationFinish(input: RotationInput): Promise<RotationPlan> {
  const problems: RotationProblem[] = [];
  const changes: RotationChange[] = [];
  const edits: FileEdit[] = [];
  const secrets = matchKeySecrets(input.files, input.keySecrets, problems);
  const replacement = new Map<string, string>(); // old recipient → new recipient
  const ids: AgeIdentity[] = [];
  const newIds: AgeIdentity[] = [];
  const opened = [];
  for (const s of secrets) {
    const secret = await openKeySecret(s, input.identities, problems);
    if (!secret) continue;
    const { f, loc } = secret;
    const found = await secretIdentities(loc.text, s.file.path).catch(() => undefined);
    if (!found || found.added.length === 0) {
      problems.push({ file: s.file.path, message: 'holds no new key: the first step (rotate-keys) is not merged into this branch yet; merge it, let every cluster apply it, then run rotate-keys --finish' });
      continue;
    }
    for (const o of found.current) replacement.set(o.recipient, found.added[0]!.recipient);
    ids.push(...found.current, ...found.added);
    newIds.push(...found.added);
    opened.push({ s, f, loc, found });
  }
  const olds = new Set(replacement.keys());
  const without = (recipients: readonly string[]) => {
    const next = recipients.filter((r) => !olds.has(r));
    for (const r of recipients) {
      const n = replacement.get(r);
      if (n && !next.includes(n)) next.push(n);
    }
    return next;
  };
  const allIds = [...input.identities, ...ids];
  const secretPaths = new Set(opened.map((o) => o.s.file.path));
  for (const sf of sopsFiles(input.files, secretPaths, problems)) {
    if (!sf.recipients.some((r) => olds.has(r))) continue;
    if (sf.keyGroups > 1) {
      changes.push({ file: sf.file.path, action: 'skipped', added: [], removed: [], note: `${sf.keyGroups} key groups (Shamir): re-key it with the sops CLI` });
      continue;
    }
    const f = await openOrReport(sf.file, allIds, problems, sf.parsed);
    if (!f) continue;
    const next = without(sf.recipients);
    const removed = sf.recipients.filter((r) => olds.has(r));
    const added = next.filter((r) => !sf.recipients.includes(r));
    let after: string;
    if (sf.other.length > 0) {
      // A new data key would have to be wrapped for the PGP/KMS keys too, which Courier cannot do.
      after = await updateKeys(f, next);
      changes.push({ file: sf.file.path, action: 'remove-recipients', added, removed, note: `data key kept (it also has ${sf.other.join(', ')} keys); rotate it with the sops CLI to retire the old data key` });
    } else {
      after = await rotateDataKey(f, next, { now: input.now, ...(input.random ? { random: input.random } : {}) });
      changes.push({ file: sf.file.path, action: 'rotate', added, removed });
    }
    await verifyWritten(sf.file.path, after, newIds, problems);
    edits.push({ path: sf.file.path, before: sf.file.text, after });
  }
  for (const { s, f, loc, found } of opened) {
    const recipients = without(f.metadata.age.map((a) => a.recipient.trim()));
    const after = await rotateDataKey(f, recipients, { now: input.now, replace: new Map([[loc.path, encodeKeyValue(found.addedText, loc.base64)]]), ...(input.random ? { random: input.random } : {}) }).catch((e: Error) => {
      problems.push({ file: s.file.path, message: e.message });
      return undefined;
    });
    if (after === undefined) continue;
    await verifyWritten(s.file.path, after, found.added, problems);
    edits.push({ path: s.file.path, before: s.file.text, after });
    changes.push({ file: s.file.path, action: 'key-secret', added: found.added.map((a) => a.recipient), removed: found.current.map((c) => c.recipient), note: `entry ${s.config.key} holds the new key only, encrypted for it` });
  }
  for (const cfg of input.files.filter((f) => /(^|\/)\.sops\.ya?ml$/.test(f.path))) {
    const after = rewriteRuleRecipients(cfg, without);
    if (after !== cfg.text) {
      edits.push({ path: cfg.path, before: cfg.text, after });
      changes.push({ file: cfg.path, action: 'sops-config', added: [...new Set(replacement.values())], removed: [...olds] });
    }
  }
  if (opened.length === 0 && problems.length === 0) problems.push({ message: 'no key Secret to rotate: set sops.keySecrets in .github/courier.yml' });
  const byNew = new Map<string, string[]>();
  for (const [o, n] of replacement) byNew.set(n, [...(byNew.get(n) ?? []), o]);
  return { step: 'finish', edits: problems.length > 0 ? [] : edits, changes, problems, replacements: [...byNew].map(([n, o]) => ({ old: o, new: n })) };
}
