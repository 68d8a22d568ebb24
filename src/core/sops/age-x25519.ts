/**
 * The age v1 format for the one case SOPS re-keying repeats thousands of times — a small file (the
 * 32-byte data key) for X25519 recipients — on Node's own crypto (synchronous X25519, HKDF-SHA256,
 * ChaCha20-Poly1305, HMAC), following the specification at https://age-encryption.org/v1. The
 * age-encryption library does the same through promise-based WebCrypto at about 1 ms per stanza,
 * which made re-keying 1,000 files take seconds (bench/sops.bench.ts). Anything else — post-quantum
 * or scrypt stanzas, malformed input — is left to the library (`undefined` here), so this file never
 * has to be the only reader. Interop is proven in tests both ways (library and Debian's `age` CLI).
 */
import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import { bech32 } from '@scure/base';
import { pooledRandom } from './random-pool.ts';

const VERSION = 'age-encryption.org/v1';
const X25519_INFO = 'age-encryption.org/v1/X25519';
const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
const ARMOR_END = '-----END AGE ENCRYPTED FILE-----';
const CHUNK = 64 * 1024;
// RFC 8410 DER prefix of a raw X25519 private key (PKCS #8), for Node's KeyObjects.
const PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64').replace(/=+$/, '');
function unb64(text: string): Buffer | undefined {
  // age uses unpadded standard base64 and rejects anything non-canonical.
  if (!/^[A-Za-z0-9+/]*$/.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return b64(bytes) === text ? bytes : undefined;
}

// Imported as JWK: OpenSSL's DER decoder made each import ~80 µs against ~6 µs, once per file opened.
const publicKeyObject = (raw: Uint8Array): KeyObject => createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
const rawPublic = (key: KeyObject): Buffer => Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');
/**
 * HKDF-SHA256 (RFC 5869) for one 32-byte block, as two HMACs: extract, then expand with counter 1.
 * hkdfSync costs twice as much (it builds a KeyObject per call), and age derives 3–4 keys per file.
 * An empty salt is HMAC's all-zero key, as the RFC asks.
 */
function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  return createHmac('sha256', prk).update(info).update(ONE).digest();
}
const ONE = Buffer.of(1);

function chacha(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Buffer {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
}
function unchacha(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Buffer | undefined {
  if (sealed.length < 16) return undefined;
  const d = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  try {
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
  } catch {
    return undefined;
  }
}

/** An X25519 recipient: the Node key and its raw 32 bytes (the stanza salt needs them; exporting costs). */
export interface X25519Recipient {
  key: KeyObject;
  raw: Buffer;
}

/** A recipient `age1…` as a Node key, or undefined for any other kind. */
export function x25519Recipient(recipient: string): X25519Recipient | undefined {
  if (!recipient.startsWith('age1') || recipient.startsWith('age1pq')) return undefined;
  try {
    const { prefix, bytes } = bech32.decodeToBytes(recipient);
    return prefix === 'age' && bytes.length === 32 ? { key: publicKeyObject(bytes), raw: Buffer.from(bytes) } : undefined;
  } catch {
    return undefined;
  }
}

/** A fresh ephemeral key pair: the private key and its raw public share (read through JWK: the cheapest export). */
function ephemeral(): { secret: KeyObject; share: Buffer } {
  const pair = generateKeyPairSync('x25519');
  return { secret: pair.privateKey, share: Buffer.from(pair.publicKey.export({ format: 'jwk' }).x!, 'base64url') };
}

/** An identity `AGE-SECRET-KEY-1…` as Node keys (private, and its public for the stanza salt), or undefined. */
export function x25519Identity(identity: string): { secret: KeyObject; public: Buffer } | undefined {
  if (!identity.startsWith('AGE-SECRET-KEY-1')) return undefined;
  try {
    const { prefix, bytes } = bech32.decodeToBytes(identity.toLowerCase());
    if (prefix !== 'age-secret-key-' || bytes.length !== 32) return undefined;
    const der = Buffer.concat([PKCS8, bytes]);
    const secret = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    der.fill(0);
    bytes.fill(0);
    return { secret, public: rawPublic(createPublicKey(secret)) };
  } catch {
    return undefined;
  }
}

/** Wraps `plaintext` for X25519 recipients as an armored age file. */
export function encryptX25519(plaintext: Uint8Array, recipients: readonly X25519Recipient[]): string {
  const fileKey = pooledRandom(16);
  let header = `${VERSION}\n`;
  for (const recipient of recipients) {
    const { secret, share } = ephemeral();
    const shared = diffieHellman({ privateKey: secret, publicKey: recipient.key });
    const wrapKey = hkdf(shared, Buffer.concat([share, recipient.raw]), X25519_INFO);
    const body = b64(chacha(wrapKey, Buffer.alloc(12), fileKey));
    // Body lines of 64 columns; the last is shorter (an empty one when the length divides evenly).
    const lines: string[] = body.match(/.{1,64}/g) ?? [];
    if (body.length % 64 === 0) lines.push('');
    header += `-> X25519 ${b64(share)}\n${lines.join('\n')}\n`;
  }
  header += '---';
  const mac = createHmac('sha256', hkdf(fileKey, Buffer.alloc(0), 'header')).update(header).digest();
  const nonce = pooledRandom(16);
  const payloadKey = hkdf(fileKey, nonce, 'payload');
  const chunks: Buffer[] = [];
  const count = Math.max(1, Math.ceil(plaintext.length / CHUNK));
  for (let i = 0; i < count; i++) {
    const chunkNonce = Buffer.alloc(12);
    chunkNonce.writeUIntBE(i, 5, 6);
    if (i === count - 1) chunkNonce[11] = 1;
    chunks.push(chacha(payloadKey, chunkNonce, plaintext.subarray(i * CHUNK, (i + 1) * CHUNK)));
  }
  fileKey.fill(0);
  const file = Buffer.concat([Buffer.from(`${header} ${b64(mac)}\n`), nonce, ...chunks]);
  const armored = file.toString('base64').match(/.{1,64}/g)!.join('\n');
  return `${ARMOR_BEGIN}\n${armored}\n${ARMOR_END}\n`;
}

/**
 * Opens an armored age file with X25519 identities: the plaintext; `not-ours` when every stanza is
 * X25519 and none is for these identities (or the file is corrupt: the library would refuse it too);
 * `unsupported` for a stanza kind or layout this reader leaves to the library.
 */
export function decryptX25519(armored: string, identities: ReadonlyArray<{ secret: KeyObject; public: Buffer }>): Uint8Array | 'not-ours' | 'unsupported' {
  const result = decrypt(armored, identities);
  return result === undefined ? 'not-ours' : result;
}

function decrypt(armored: string, identities: ReadonlyArray<{ secret: KeyObject; public: Buffer }>): Uint8Array | 'unsupported' | undefined {
  const text = armored.trim();
  if (!text.startsWith(ARMOR_BEGIN) || !text.endsWith(ARMOR_END)) return 'unsupported';
  const file = Buffer.from(text.slice(ARMOR_BEGIN.length, text.length - ARMOR_END.length).replace(/\s+/g, ''), 'base64');
  const end = file.indexOf('\n--- ');
  if (end < 0) return undefined;
  const macLineEnd = file.indexOf('\n', end + 5);
  if (macLineEnd < 0) return undefined;
  const header = file.subarray(0, end + 4).toString('latin1');
  const mac = unb64(file.subarray(end + 5, macLineEnd).toString('latin1'));
  const lines = header.split('\n');
  if (lines[0] !== VERSION || !mac) return 'unsupported';
  const stanzas: Array<{ share: Buffer; body: Buffer }> = [];
  for (let i = 1; i < lines.length - 1; ) {
    const args = lines[i]!.split(' ');
    if (args[0] !== '->' || args[1] !== 'X25519' || args.length !== 3) return 'unsupported'; // another kind: the library's job
    let body = '';
    for (i++; ; i++) {
      const line = lines[i];
      if (line === undefined || line === '---') return undefined;
      body += line;
      if (line.length < 64) break;
    }
    i++;
    const share = unb64(args[2]!);
    const sealed = unb64(body);
    if (!share || share.length !== 32 || !sealed) return undefined;
    stanzas.push({ share, body: sealed });
  }
  for (const id of identities) {
    for (const stanza of stanzas) {
      let shared: Buffer;
      try {
        shared = diffieHellman({ privateKey: id.secret, publicKey: publicKeyObject(stanza.share) });
      } catch {
        continue;
      }
      if (shared.every((b) => b === 0)) continue;
      const fileKey = unchacha(hkdf(shared, Buffer.concat([stanza.share, id.public]), X25519_INFO), Buffer.alloc(12), stanza.body);
      if (!fileKey || fileKey.length !== 16) continue;
      const expected = createHmac('sha256', hkdf(fileKey, Buffer.alloc(0), 'header')).update(header).digest();
      if (expected.length !== mac.length || !timingSafeEqual(expected, mac)) return undefined;
      const payload = file.subarray(macLineEnd + 1);
      if (payload.length < 16 + 16) return undefined;
      const payloadKey = hkdf(fileKey, payload.subarray(0, 16), 'payload');
      const out: Buffer[] = [];
      const body = payload.subarray(16);
      for (let offset = 0, i = 0; offset < body.length; offset += CHUNK + 16, i++) {
        const sealed = body.subarray(offset, offset + CHUNK + 16);
        const last = offset + CHUNK + 16 >= body.length;
        const nonce = Buffer.alloc(12);
        nonce.writeUIntBE(i, 5, 6);
        if (last) nonce[11] = 1;
        const chunk = unchacha(payloadKey, nonce, sealed);
        if (!chunk || (chunk.length === 0 && i > 0)) return undefined;
        out.push(chunk);
      }
      return new Uint8Array(Buffer.concat(out));
    }
  }
  return undefined;
}
