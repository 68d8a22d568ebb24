/**
 * `updatekeys` and `rotate` (getsops/sops `cmd/sops/subcommand/updatekeys`, `cmd/sops/rotate.go`,
 * FORMAT.md §9 and §12) on an opened file. Both rewrite only SOPS-relevant bytes: the age list, and
 * for rotate every ENC value, encrypted comment, `lastmodified` and `mac`.
 */
import { wrapDataKey, type AgeEntry } from './age-keys.ts';
import { shouldBeEncrypted } from './crypt-rule.ts';
import { computeMac, type OpenedSopsFile } from './open-sops-file.ts';
import { SopsError } from './sops-error.ts';
import { scalarBytes } from './sops-scalar.ts';
import { walkTree } from './sops-tree.ts';
import { aadOf, cryptoRandom, encryptValue, parseEncValue, type RandomBytes } from './value-cipher.ts';

const utf8 = new TextEncoder();

/** RFC 3339 in UTC with seconds precision, as sops writes `lastmodified`. */
export function formatLastModified(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * Re-wraps the file's existing data key for `recipients` (the complete new age list). Entries of
 * recipients that stay are kept verbatim (FORMAT.md §12: valid, and the smallest diff); new ones are
 * appended. Values, MAC, `lastmodified` and `version` are untouched. Returns the text unchanged when
 * the recipient set is already right.
 */
export async function updateKeys(f: OpenedSopsFile, recipients: readonly string[]): Promise<string> {
  const current = f.metadata.age.map((a) => a.recipient.trim());
  const wanted = [...new Set(recipients.map((r) => r.trim()))];
  if (sameSet(current, wanted)) return f.store.render({});
  const kept = f.metadata.age.filter((a) => wanted.includes(a.recipient.trim()));
  const added: AgeEntry[] = [];
  for (const r of wanted) if (!current.includes(r)) added.push({ recipient: r, enc: await wrapDataKey(f.dataKey, r) });
  return f.store.render({ metadata: { age: [...kept, ...added] } });
}

export interface RotateOptions {
  now: Date;
  random?: RandomBytes;
  /** New plaintext for string leaves, by key path joined with "/" (e.g. `stringData/age.agekey`). */
  replace?: ReadonlyMap<string, string>;
}

/**
 * `rotate`: a new data key, every value and encrypted comment re-encrypted with fresh IVs, a new
 * `lastmodified` and MAC, the key wrapped for `recipients` only. Needs a file opened with its values
 * (so its MAC was verified). Refuses files that also hold non-age keys: Courier cannot re-wrap for them.
 */
export async function rotateDataKey(f: OpenedSopsFile, recipients: readonly string[], options: RotateOptions): Promise<string> {
  if (f.metadata.otherMasterKeys.length > 0) {
    throw new SopsError('unsupported', f.path, `also has ${f.metadata.otherMasterKeys.join(', ')} keys, which Courier cannot re-wrap for a new data key; rotate it with the sops CLI`, f.store.metadataLine);
  }
  return reencrypt(f, recipients, true, options);
}

/**
 * `sops set` semantics: replaces string values (`options.replace`) under the file's existing data key,
 * with a new MAC and `lastmodified`; the age list becomes `recipients` (kept entries verbatim).
 */
export async function setValues(f: OpenedSopsFile, recipients: readonly string[], options: RotateOptions): Promise<string> {
  return reencrypt(f, recipients, false, options);
}

async function reencrypt(f: OpenedSopsFile, recipients: readonly string[], newKey: boolean, options: RotateOptions): Promise<string> {
  const random = options.random ?? cryptoRandom;
  if (f.mac === undefined) throw new Error('re-encrypting needs a file opened with its values');
  const key = newKey ? random(32) : f.dataKey;
  const meta = f.metadata;
  const leaves = new Map<number, string>();
  const comments = new Map<number, string>();
  const values = new Map(f.values);
  const replaced = new Set<string>();
  walkTree(f.store.branches, (item, path, stack) => {
    if (item.kind === 'comment') {
      const plain = f.comments.get(item.ref);
      if (plain !== undefined && newKey) comments.set(item.ref, encryptValue(utf8.encode(plain), 'comment', key, aadOf(path), random));
      return;
    }
    const pathKey = path.join('/');
    const next = options.replace?.get(pathKey);
    if (next !== undefined) {
      values.set(item.ref, { type: 'str', value: next });
      replaced.add(pathKey);
    }
    const value = values.get(item.ref);
    if (value === undefined || !shouldBeEncrypted(meta.rule, path, stack)) return;
    if (!newKey && next === undefined) return;
    const type = item.encrypted ? parseEncValue(item.encrypted)!.type : value.type;
    leaves.set(item.ref, encryptValue(scalarBytes(value), type === 'bytes' ? 'str' : type, key, aadOf(path), random));
  });
  for (const k of options.replace?.keys() ?? []) {
    if (!replaced.has(k)) throw new SopsError('malformed', f.path, `has no encrypted value at ${k.split('/').join('.')}`, f.store.metadataLine);
  }
  const lastmodified = formatLastModified(options.now);
  const mac = encryptValue(utf8.encode(computeMac(f, meta, (l) => values.get(l.ref))), 'str', key, lastmodified, random);
  const wanted = [...new Set(recipients.map((x) => x.trim()))];
  const age: AgeEntry[] = [];
  for (const r of wanted) {
    const kept = newKey ? undefined : meta.age.find((a) => a.recipient.trim() === r);
    age.push(kept ?? { recipient: r, enc: await wrapDataKey(key, r) });
  }
  return f.store.render({ leaves, comments, metadata: { age, lastmodified, mac } });
}
