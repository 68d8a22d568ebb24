/**
 * age master keys of SOPS files (getsops/sops `age/keysource.go`, FORMAT.md §8 and §13): one armored
 * age file per recipient wrapping the 32-byte data key; identities read as sops and Flux read them.
 */
import { bech32 } from '@scure/base';
import * as age from 'age-encryption';
import type { KeyObject } from 'node:crypto';
import { decryptX25519, encryptX25519, x25519Identity, x25519Recipient, type X25519Recipient } from './age-x25519.ts';

/** An age entry of the `sops` metadata block. */
export interface AgeEntry {
  recipient: string;
  enc: string;
}

/** An identity Courier holds, with its public recipient (`age1…` or `age1pq1…`). */
export interface AgeIdentity {
  identity: string;
  recipient: string;
}

/** Thrown for identity text sops would refuse; the message names the source and line, never the key. */
export class AgeIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgeIdentityError';
  }
}

const IDENTITY = /^AGE-SECRET-KEY-(?:PQ-)?1[0-9A-Z]+$/;

/**
 * Parses identity text the way sops's `ParsedIdentities.Import` does: one identity per line, empty and
 * `#` lines ignored, anything else is an error. `SOPS_AGE_KEY` may also separate keys by spaces.
 */
export async function parseAgeIdentities(text: string, source: string): Promise<AgeIdentity[]> {
  const out: AgeIdentity[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    for (const word of line.trim().split(/\s+/)) {
      if (word.startsWith('AGE-PLUGIN-')) throw new AgeIdentityError(`${source}:${i + 1}: age plugin identities are not supported; give an AGE-SECRET-KEY-1… identity`);
      if (!IDENTITY.test(word)) throw new AgeIdentityError(`${source}:${i + 1}: not an age identity (expected AGE-SECRET-KEY-1…, one per line, "#" for comments)`);
      try {
        out.push({ identity: word, recipient: await age.identityToRecipient(word) });
      } catch {
        throw new AgeIdentityError(`${source}:${i + 1}: the age identity does not decode (bad checksum or length)`);
      }
    }
  }
  return out;
}

/** A fresh X25519 identity. Never `generateIdentity()`: it may produce post-quantum keys that Debian age, sops < 3.12 and older Flux cannot read (FORMAT.md §12). */
export async function generateX25519(): Promise<AgeIdentity> {
  const identity = await age.generateX25519Identity();
  return { identity, recipient: await age.identityToRecipient(identity) };
}

/** Source of fresh identities, injected so tests and planners stay deterministic where they need to. */
export type IdentityGenerator = () => Promise<AgeIdentity>;

/*
 * age-encryption parses a recipient or identity (bech32, and for identities a scalar multiplication to
 * derive the public key) when it is added, not per file. Re-keying 1,000 files with a fresh
 * Encrypter/Decrypter per file paid that setup 1,000 times (bench/sops.bench.ts), so both are built
 * once and reused: an Encrypter per recipient (public data), a Decrypter per identity object, held
 * weakly so a private key lives no longer than the caller's AgeIdentity.
 */
const encrypters = new Map<string, age.Encrypter>();
const decrypters = new WeakMap<AgeIdentity, age.Decrypter>();
const ENCRYPTER_CACHE = 256;

function encrypterFor(recipient: string): age.Encrypter {
  let e = encrypters.get(recipient);
  if (e === undefined) {
    e = new age.Encrypter();
    e.addRecipient(recipient);
    if (encrypters.size >= ENCRYPTER_CACHE) encrypters.delete(encrypters.keys().next().value!);
    encrypters.set(recipient, e);
  }
  return e;
}

// RFC 5208 PKCS #8 prefix of a raw X25519 private key (RFC 8410): WebCrypto imports private keys only so.
const PKCS8_X25519 = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20);

/*
 * An X25519 identity is handed to age-encryption as a non-extractable CryptoKey, imported once: given
 * the string, the library re-imports the private key for every stanza it tries (measured: 2.4 ms vs
 * 1.0 ms per unwrap). Post-quantum identities go in as text.
 */
async function decrypterFor(id: AgeIdentity): Promise<age.Decrypter> {
  let d = decrypters.get(id);
  if (d === undefined) {
    d = new age.Decrypter();
    if (id.identity.startsWith('AGE-SECRET-KEY-1')) {
      const raw = bech32.decodeToBytes(id.identity).bytes;
      const pkcs8 = new Uint8Array(PKCS8_X25519.length + raw.length);
      pkcs8.set(PKCS8_X25519);
      pkcs8.set(raw, PKCS8_X25519.length);
      d.addIdentity(await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'X25519' }, false, ['deriveBits']));
      pkcs8.fill(0);
      raw.fill(0);
    } else {
      d.addIdentity(id.identity);
    }
    decrypters.set(id, d);
  }
  return d;
}

const x25519Recipients = new Map<string, X25519Recipient | null>();
const x25519Identities = new WeakMap<AgeIdentity, { secret: KeyObject; public: Buffer } | null>();

function nativeRecipient(recipient: string): X25519Recipient | undefined {
  let key = x25519Recipients.get(recipient);
  if (key === undefined) {
    key = x25519Recipient(recipient) ?? null;
    if (x25519Recipients.size >= ENCRYPTER_CACHE) x25519Recipients.delete(x25519Recipients.keys().next().value!);
    x25519Recipients.set(recipient, key);
  }
  return key ?? undefined;
}

function nativeIdentity(id: AgeIdentity): { secret: KeyObject; public: Buffer } | undefined {
  let key = x25519Identities.get(id);
  if (key === undefined) x25519Identities.set(id, (key = x25519Identity(id.identity) ?? null));
  return key ?? undefined;
}

/**
 * Wraps the data key for one recipient as sops does: its own armored age file. X25519 recipients go
 * through Node's crypto (`age-x25519.ts`); post-quantum ones through age-encryption.
 */
export async function wrapDataKey(dataKey: Uint8Array, recipient: string): Promise<string> {
  const native = nativeRecipient(recipient);
  if (native) return encryptX25519(dataKey, [native]);
  return age.armor.encode(await encrypterFor(recipient).encrypt(dataKey));
}

/** Decrypts one armored age file with the given identities; undefined when none opens it or it is malformed. */
export async function openAgeFile(enc: string, identities: readonly AgeIdentity[]): Promise<Uint8Array | undefined> {
  const native = identities.map(nativeIdentity);
  if (native.every((k) => k !== undefined)) {
    const opened = decryptX25519(enc, native as Array<{ secret: KeyObject; public: Buffer }>);
    if (opened === 'not-ours') return undefined;
    if (opened !== 'unsupported') return opened;
  }
  let file: Uint8Array;
  try {
    file = age.armor.decode(enc);
  } catch {
    return undefined;
  }
  for (const id of identities) {
    try {
      return await (await decrypterFor(id)).decrypt(file);
    } catch {
      // not this identity's file (or a malformed one): try the next
    }
  }
  return undefined;
}

/**
 * Recovers the data key from the age entries. Entries whose recipient matches one of our identities
 * are tried with that identity alone first (one X25519 operation instead of one per identity).
 */
export async function unwrapDataKey(entries: readonly AgeEntry[], identities: readonly AgeIdentity[]): Promise<Uint8Array | undefined> {
  const byRecipient = new Map(identities.map((i) => [i.recipient, i]));
  for (const e of entries) {
    const id = byRecipient.get(e.recipient.trim());
    if (id === undefined) continue;
    const key = await openAgeFile(e.enc, [id]);
    if (key) return key;
  }
  for (const e of entries) {
    if (byRecipient.has(e.recipient.trim())) continue;
    const key = await openAgeFile(e.enc, identities);
    if (key) return key;
  }
  return undefined;
}
