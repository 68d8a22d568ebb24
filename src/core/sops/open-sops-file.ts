/**
 * Decryption (getsops/sops `Tree.Decrypt` + `DecryptTree`, FORMAT.md §4–5): recover the data key with
 * our age identities, decrypt every value and comment, recompute the MAC and compare it with the
 * stored one. Failures are SopsErrors that name the file, the line and the key path, never a value.
 */
import { createHash } from 'node:crypto';
import { unwrapDataKey, type AgeIdentity } from './age-keys.ts';
import { shouldBeEncrypted } from './crypt-rule.ts';
import { parseSopsFile, requireMetadata, type ParsedSopsFile, type SopsInputFile } from './parse-sops-file.ts';
import { SopsError } from './sops-error.ts';
import type { SopsMetadata } from './sops-metadata.ts';
import { scalarBytes, scalarFromPlaintext, scalarToJs, type SopsScalar } from './sops-scalar.ts';
import { treeToJs, walkTree, type TreeLeaf } from './sops-tree.ts';
import type { SopsFormat } from './stores/sops-store.ts';
import { aadOf, decryptParts, parseEncValue } from './value-cipher.ts';

/** SHA-256("sops"), fed first when `mac_only_encrypted` is set. */
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from('8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69', 'hex');
const utf8 = new TextDecoder();

export interface OpenedSopsFile extends ParsedSopsFile {
  metadata: SopsMetadata;
  dataKey: Uint8Array;
  /** Decrypted values of encrypted leaves, by ref. */
  values: Map<number, SopsScalar>;
  /** Decrypted comments, by ref (comments that fail to decrypt are kept as they are, like sops does). */
  comments: Map<number, string>;
  /** The recomputed MAC (uppercase hex), when values were decrypted. */
  mac?: string;
}

export interface OpenOptions {
  format?: SopsFormat;
  /** Decrypt values and verify the MAC (default). Off gives sops `updatekeys` semantics: the data key only. */
  decryptValues?: boolean;
  /** The file as parseSopsFile read it already (a caller that screened files by their metadata): not parsed again. */
  parsed?: ParsedSopsFile;
}

const pathText = (path: readonly string[]) => (path.length > 0 ? path.join('.') : '(top level)');

/** Recovers the data key or explains which recipient's key is needed. */
export async function recoverDataKey(p: ParsedSopsFile, identities: readonly AgeIdentity[]): Promise<Uint8Array> {
  const meta = requireMetadata(p);
  if (meta.keyGroups > 1) {
    throw new SopsError('unsupported', p.path, `uses ${meta.keyGroups} key groups (Shamir secret sharing); Courier does not decrypt or re-key such files`, p.store.metadataLine);
  }
  const key = await unwrapDataKey(meta.age, identities);
  if (key) {
    if (key.length !== 32) throw new SopsError('malformed', p.path, 'the age stanza does not hold a 32-byte data key', p.store.metadataLine);
    return key;
  }
  const recipients = meta.age.map((a) => a.recipient);
  const others = meta.otherMasterKeys.length > 0 ? ` (also ${meta.otherMasterKeys.join(', ')}, which Courier cannot use)` : '';
  const need = recipients.length > 0 ? `it is encrypted for ${recipients.join(', ')}${others}: add the age identity of one of them to SOPS_AGE_KEY or SOPS_AGE_KEY_FILE` : `it has no age recipient${others}`;
  throw new SopsError('no-key', p.path, `none of the given age identities can decrypt this file; ${need}`, p.store.metadataLine);
}

/** Computes the MAC of a file's values; `plain` gives the decrypted value of an encrypted leaf. */
export function computeMac(p: ParsedSopsFile, meta: SopsMetadata, plain: (leaf: TreeLeaf) => SopsScalar | undefined): string {
  const h = createHash('sha512');
  if (meta.macOnlyEncrypted) h.update(MAC_ONLY_ENCRYPTED_INIT);
  walkTree(p.store.branches, (item, path, stack) => {
    if (item.kind !== 'leaf' || item.value === null) return;
    const encrypted = shouldBeEncrypted(meta.rule, path, stack);
    if (meta.macOnlyEncrypted && !encrypted) return;
    const v = plain(item) ?? item.value;
    h.update(scalarBytes(v));
  });
  return h.digest('hex').toUpperCase();
}

/** Parses, recovers the data key, decrypts every value and verifies the MAC (unless told not to). */
export async function openSopsFile(file: SopsInputFile, identities: readonly AgeIdentity[], options: OpenOptions = {}): Promise<OpenedSopsFile> {
  const p = options.parsed ?? parseSopsFile(file, options.format);
  const meta = requireMetadata(p);
  const dataKey = await recoverDataKey(p, identities);
  const opened: OpenedSopsFile = { ...p, metadata: meta, dataKey, values: new Map(), comments: new Map() };
  if (options.decryptValues === false) return opened;
  const binary = p.store.format === 'binary';
  walkTree(p.store.branches, (item, path, stack) => {
    if (item.kind === 'comment') {
      if (!item.text.startsWith('ENC[')) return;
      const parts = parseEncValue(item.text);
      const plain = parts && decryptParts(parts, dataKey, aadOf(path));
      if (plain) opened.comments.set(item.ref, utf8.decode(plain));
      return;
    }
    if (item.value === null) return;
    const encrypted = shouldBeEncrypted(meta.rule, path, stack);
    if (!encrypted) return;
    if (item.encrypted === undefined) {
      if (item.value.type === 'str' && item.value.value === '') return;
      throw new SopsError('malformed', p.path, `${pathText(path)} must be encrypted by this file's rule but holds a plaintext value; sops and Flux refuse it. Encrypt it again with sops`, item.line);
    }
    const parts = parseEncValue(item.encrypted);
    if (!parts) throw new SopsError('malformed', p.path, `${pathText(path)} is not a valid ENC[AES256_GCM,…] value`, item.line);
    const plain = decryptParts(parts, dataKey, aadOf(path));
    if (!plain) throw new SopsError('value-decrypt', p.path, `${pathText(path)} does not decrypt (AES-GCM authentication failed): the value was changed or moved to another key`, item.line);
    const value = scalarFromPlaintext(parts.type, plain, binary);
    if (!value) throw new SopsError('malformed', p.path, `${pathText(path)} does not parse as its declared type:${parts.type}`, item.line);
    opened.values.set(item.ref, value);
  });
  const mac = computeMac(p, meta, (l) => opened.values.get(l.ref));
  opened.mac = mac;
  if (meta.mac === '') throw new SopsError('no-mac', p.path, 'has an empty sops.mac; it cannot be verified', p.store.metadataLine);
  const parts = parseEncValue(meta.mac);
  const stored = parts && decryptParts(parts, dataKey, meta.lastmodifiedAad);
  if (!stored) throw new SopsError('mac-decrypt', p.path, 'sops.mac does not decrypt (AES-GCM authentication failed, or lastmodified was changed): the file was tampered with', p.store.metadataLine);
  if (utf8.decode(stored) !== mac) {
    throw new SopsError('mac-mismatch', p.path, 'MAC mismatch: the values or their order differ from what was encrypted (the file was edited without sops)', p.store.metadataLine);
  }
  return opened;
}

/** Every document of an opened file as plain JavaScript (keys in order, comments dropped). */
export function decryptedDocuments(f: OpenedSopsFile): unknown[] {
  return f.store.branches.map((b) => treeToJs(b, (l) => {
    const v = f.values.get(l.ref) ?? l.value;
    return v === null ? null : scalarToJs(v);
  }));
}
