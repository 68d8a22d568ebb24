/**
 * The `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` value format (getsops/sops `aes/cipher.go`,
 * FORMAT.md §2): AES-256-GCM with a 32-byte IV, the tag stored apart, AAD = the key path joined by
 * `:` plus a trailing `:`. Empty plaintext is never encrypted.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { pooledRandom } from './random-pool.ts';

/** Source of random bytes (IVs, data keys); Node's CSPRNG unless a test injects another. */
export type RandomBytes = (n: number) => Uint8Array;
export const cryptoRandom: RandomBytes = (n) => new Uint8Array(pooledRandom(n));

/** No `$` anchor and greedy `.+`, exactly as the Go regex reads it. */
const ENC = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/;
const IV_BYTES = 32;
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** Go's StdEncoding is strict: padded, standard alphabet, no whitespace. */
function strictB64(text: string): Uint8Array | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function isEncryptedValue(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('ENC[');
}

/** The AAD of a key path (list indices are never part of it). */
export function aadOf(path: readonly string[]): string {
  return `${path.join(':')}:`;
}

export interface EncryptedParts {
  data: Uint8Array;
  iv: Uint8Array;
  tag: Uint8Array;
  type: string;
}

/** Splits an ENC value; undefined when it is not one (the caller says which file and line). */
export function parseEncValue(value: string): EncryptedParts | undefined {
  const m = ENC.exec(value);
  if (!m) return undefined;
  const data = strictB64(m[1]!);
  const iv = strictB64(m[2]!);
  const tag = strictB64(m[3]!);
  if (!data || !iv || !tag || iv.length === 0 || tag.length !== 16) return undefined;
  return { data, iv, tag, type: m[4]! };
}

/** Encrypts plaintext bytes; `""` stays `""` as in sops. */
export function encryptValue(plain: Uint8Array, type: string, key: Uint8Array, aad: string, random: RandomBytes = cryptoRandom): string {
  if (plain.length === 0) return '';
  const iv = random(IV_BYTES);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([c.update(plain), c.final()]);
  return `ENC[AES256_GCM,data:${b64(data)},iv:${b64(iv)},tag:${b64(c.getAuthTag())},type:${type}]`;
}

/** Decrypts; undefined when GCM authentication fails (wrong key, AAD or tampered bytes). */
export function decryptParts(parts: EncryptedParts, key: Uint8Array, aad: string): Uint8Array | undefined {
  try {
    const d = createDecipheriv('aes-256-gcm', key, parts.iv);
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(parts.tag);
    return new Uint8Array(Buffer.concat([d.update(parts.data), d.final()]));
  } catch {
    return undefined;
  }
}
