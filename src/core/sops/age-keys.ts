/**
 * age master keys of SOPS files (getsops/sops `age/keysource.go`, FORMAT.md §8 and §13): one armored
 * age file per recipient wrapping the 32-byte data key; identities read as sops and Flux read them.
 */
import * as age from 'age-encryption';

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

/** Wraps the data key for one recipient as sops does: its own armored age file. */
export async function wrapDataKey(dataKey: Uint8Array, recipient: string): Promise<string> {
  const e = new age.Encrypter();
  e.addRecipient(recipient);
  return age.armor.encode(await e.encrypt(dataKey));
}

/** Decrypts one armored age file with the given identities; undefined when none opens it or it is malformed. */
export async function openAgeFile(enc: string, identities: readonly string[]): Promise<Uint8Array | undefined> {
  if (identities.length === 0) return undefined;
  try {
    const d = new age.Decrypter();
    for (const id of identities) d.addIdentity(id);
    return await d.decrypt(age.armor.decode(enc));
  } catch {
    return undefined;
  }
}

/**
 * Recovers the data key from the age entries. Entries whose recipient matches one of our identities
 * are tried with that identity alone first (one X25519 operation instead of one per identity).
 */
export async function unwrapDataKey(entries: readonly AgeEntry[], identities: readonly AgeIdentity[]): Promise<Uint8Array | undefined> {
  const byRecipient = new Map(identities.map((i) => [i.recipient, i.identity]));
  for (const e of entries) {
    const id = byRecipient.get(e.recipient.trim());
    if (id === undefined) continue;
    const key = await openAgeFile(e.enc, [id]);
    if (key) return key;
  }
  const all = identities.map((i) => i.identity);
  for (const e of entries) {
    if (byRecipient.has(e.recipient.trim())) continue;
    const key = await openAgeFile(e.enc, all);
    if (key) return key;
  }
  return undefined;
}
