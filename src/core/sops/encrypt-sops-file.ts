/**
 * Encrypting a plaintext file (getsops/sops `cmd/sops/encrypt.go`): a new data key, every value the
 * crypt rule selects encrypted in place (`""` and null stay as they are), a MAC over the values, and a
 * `sops` block appended in the layout sops 3.10–3.12 writes.
 */
import { wrapDataKey, type AgeEntry } from './age-keys.ts';
import { DEFAULT_CRYPT_RULE, shouldBeEncrypted, type CryptRule } from './crypt-rule.ts';
import { computeMac } from './open-sops-file.ts';
import { parseSopsFile, type SopsInputFile } from './parse-sops-file.ts';
import { formatLastModified } from './rekey-sops-file.ts';
import { SopsError } from './sops-error.ts';
import { scalarBytes } from './sops-scalar.ts';
import { walkTree } from './sops-tree.ts';
import type { SopsFormat } from './stores/sops-store.ts';
import { aadOf, cryptoRandom, encryptValue, type RandomBytes } from './value-cipher.ts';

const utf8 = new TextEncoder();

/** The sops version Courier writes into new files: a real release, so the sops CLI's version check passes. */
export const WRITTEN_SOPS_VERSION = '3.10.2';

export interface EncryptOptions {
  recipients: readonly string[];
  rule?: CryptRule;
  macOnlyEncrypted?: boolean;
  now: Date;
  random?: RandomBytes;
  format?: SopsFormat;
}

export async function encryptSopsFile(file: SopsInputFile, options: EncryptOptions): Promise<string> {
  const random = options.random ?? cryptoRandom;
  const p = parseSopsFile(file, options.format);
  if (p.metadata) throw new SopsError('malformed', file.path, 'is already SOPS-encrypted', p.store.metadataLine);
  if (options.recipients.length === 0) throw new SopsError('no-key', file.path, 'no age recipient to encrypt for');
  const rule = options.rule ?? DEFAULT_CRYPT_RULE;
  const key = random(32);
  const leaves = new Map<number, string>();
  const comments = new Map<number, string>();
  walkTree(p.store.branches, (item, path, stack) => {
    if (item.kind === 'comment') {
      if (item.text !== '' && shouldBeEncrypted(rule, path, stack, item.text)) comments.set(item.ref, encryptValue(utf8.encode(item.text), 'comment', key, aadOf(path), random));
      return;
    }
    if (item.value === null || !shouldBeEncrypted(rule, path, stack)) return;
    leaves.set(item.ref, encryptValue(scalarBytes(item.value), item.value.type, key, aadOf(path), random));
  });
  const lastmodified = formatLastModified(options.now);
  const macOnlyEncrypted = options.macOnlyEncrypted === true;
  const plainMeta = { age: [], otherMasterKeys: [], keyGroups: 1, inKeyGroups: false, lastmodified, lastmodifiedAad: lastmodified, mac: '', rule, explicitRule: true, macOnlyEncrypted };
  const mac = encryptValue(utf8.encode(computeMac(p, plainMeta, () => undefined)), 'str', key, lastmodified, random);
  const age: AgeEntry[] = [];
  for (const r of [...new Set(options.recipients.map((x) => x.trim()))]) age.push({ recipient: r, enc: await wrapDataKey(key, r) });
  return p.store.render({ leaves, comments, create: { age, lastmodified, mac, rule, macOnlyEncrypted, version: WRITTEN_SOPS_VERSION } });
}
