/**
 * Step 1 of a key rotation (PRODUCT.md, FORMAT.md §12): a new X25519 identity per distinct cluster
 * key, `updatekeys` on every SOPS file that the old key opens (data key, values, MAC and
 * `lastmodified` unchanged; MACs verified first), the new private key appended to each Flux key
 * Secret (still encrypted for the old key), and `.sops.yaml` rules listing old and new.
 */
import { generateX25519, updateKeys, type AgeIdentity } from '../sops/index.ts';
import { setValues } from '../sops/rekey-sops-file.ts';
import { encodeKeyValue, identityText, matchKeySecrets, NEW_KEY_MARKER, secretIdentities } from './key-secret.ts';
import { openKeySecret, openOrReport, sopsFiles, verifyWritten } from './rotation-files.ts';
import type { FileEdit, RotationChange, RotationInput, RotationPlan, RotationProblem } from './rotation-types.ts';
import { rewriteRuleRecipients } from './sops-config-recipients.ts';

interface Group {
  old: string[];
  next: AgeIdentity;
}

export async function planRotationStart(input: RotationInput): Promise<RotationPlan> {
  const problems: RotationProblem[] = [];
  const changes: RotationChange[] = [];
  const edits: FileEdit[] = [];
  const generate = input.generate ?? generateX25519;
  const secrets = matchKeySecrets(input.files, input.keySecrets, problems);
  const groups = new Map<string, Group>();
  const clusterIds: AgeIdentity[] = [];
  const opened = [];
  for (const s of secrets) {
    const secret = await openKeySecret(s, input.identities, problems);
    if (!secret) continue;
    const { f, loc } = secret;
    const ids = await secretIdentities(loc.text, `${s.file.path} (${s.config.key})`).catch((e: Error) => {
      problems.push({ file: s.file.path, message: e.message.replace(`${s.file.path} (${s.config.key}):`, `entry ${s.config.key}, line`) });
      return undefined;
    });
    if (!ids) continue;
    if (ids.added.length > 0) {
      problems.push({ file: s.file.path, message: 'already holds a new key from a rotation that was not finished; run rotate-keys --finish' });
      continue;
    }
    if (ids.current.length === 0) {
      problems.push({ file: s.file.path, message: `entry ${s.config.key} holds no age identity` });
      continue;
    }
    const old = [...new Set(ids.current.map((i) => i.recipient))].sort();
    const id = old.join(',');
    if (!groups.has(id)) groups.set(id, { old, next: await generate() });
    clusterIds.push(...ids.current);
    opened.push({ s, f, loc, group: groups.get(id)! });
  }
  const newFor = (recipients: readonly string[]) =>
    [...groups.values()].filter((g) => g.old.some((o) => recipients.includes(o)) && !recipients.includes(g.next.recipient)).map((g) => g.next.recipient);
  const allIds = [...input.identities, ...clusterIds];
  const secretPaths = new Set(opened.map((o) => o.s.file.path));
  for (const sf of sopsFiles(input.files, secretPaths, problems)) {
    const added = newFor(sf.recipients);
    if (added.length === 0) continue;
    if (sf.keyGroups > 1) {
      changes.push({ file: sf.file.path, action: 'skipped', added: [], removed: [], note: `${sf.keyGroups} key groups (Shamir): re-key it with the sops CLI` });
      continue;
    }
    const f = await openOrReport(sf.file, allIds, problems, sf.parsed);
    if (!f) continue;
    const after = await updateKeys(f, [...sf.recipients, ...added]);
    await verifyWritten(sf.file.path, after, [...groups.values()].map((g) => g.next), problems);
    edits.push({ path: sf.file.path, before: sf.file.text, after });
    changes.push({ file: sf.file.path, action: 'updatekeys', added, removed: [], ...(sf.other.length > 0 ? { note: `its ${sf.other.join(', ')} keys are kept as they are` } : {}) });
  }
  for (const { s, f, loc, group } of opened) {
    const base = loc.text.endsWith('\n') || loc.text === '' ? loc.text : `${loc.text}\n`;
    const text = `${base}${NEW_KEY_MARKER}\n${identityText(group.next, input.now)}`;
    const recipients = [...f.metadata.age.map((a) => a.recipient.trim()), ...newFor(f.metadata.age.map((a) => a.recipient.trim()))];
    const after = await setValues(f, recipients, { now: input.now, replace: new Map([[loc.path, encodeKeyValue(text, loc.base64)]]), ...(input.random ? { random: input.random } : {}) });
    await verifyWritten(s.file.path, after, clusterIds, problems);
    edits.push({ path: s.file.path, before: s.file.text, after });
    changes.push({ file: s.file.path, action: 'key-secret', added: [group.next.recipient], removed: [], note: `entry ${s.config.key} holds the old and the new key; still encrypted for the old key` });
  }
  for (const cfg of input.files.filter((f) => /(^|\/)\.sops\.ya?ml$/.test(f.path))) {
    const after = rewriteRuleRecipients(cfg, (age) => [...age, ...newFor(age)]);
    if (after !== cfg.text) {
      edits.push({ path: cfg.path, before: cfg.text, after });
      changes.push({ file: cfg.path, action: 'sops-config', added: [...groups.values()].map((g) => g.next.recipient), removed: [] });
    }
  }
  if (opened.length === 0 && problems.length === 0) problems.push({ message: 'no key Secret to rotate: set sops.keySecrets in .github/courier.yml' });
  return {
    step: 'start',
    edits: problems.length > 0 ? [] : edits,
    changes,
    problems,
    replacements: [...groups.values()].map((g) => ({ old: g.old, new: g.next.recipient })),
  };
}
