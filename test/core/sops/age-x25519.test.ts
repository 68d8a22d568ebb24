/**
 * The native age X25519 path against the age-encryption library and Debian's `age` CLI, both ways.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as age from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { decryptX25519, encryptX25519, x25519Identity, x25519Recipient } from '../../../src/core/sops/age-x25519.ts';

const hasAge = spawnSync('age', ['--version']).status === 0;
const key = new Uint8Array(32).map((_, i) => i * 7);

describe('age X25519 on node:crypto', async () => {
  const a = await age.generateX25519Identity();
  const b = await age.generateX25519Identity();
  const ra = await age.identityToRecipient(a);
  const rb = await age.identityToRecipient(b);

  it('writes files the age-encryption library opens, for each recipient', async () => {
    const armored = encryptX25519(key, [x25519Recipient(ra)!, x25519Recipient(rb)!]);
    expect(armored).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----\n[A-Za-z0-9+/=\n]+\n-----END AGE ENCRYPTED FILE-----\n$/);
    for (const id of [a, b]) {
      const d = new age.Decrypter();
      d.addIdentity(id);
      expect(await d.decrypt(age.armor.decode(armored))).toEqual(key);
    }
  });

  it('opens files the library writes, and says not-ours for someone else, unsupported for a post-quantum stanza', async () => {
    const e = new age.Encrypter();
    e.addRecipient(ra);
    const armored = age.armor.encode(await e.encrypt(key));
    expect(decryptX25519(armored, [x25519Identity(a)!])).toEqual(key);
    expect(decryptX25519(armored, [x25519Identity(b)!])).toBe('not-ours');
    const pq = await age.generateHybridIdentity();
    const epq = new age.Encrypter();
    epq.addRecipient(await age.identityToRecipient(pq));
    expect(decryptX25519(age.armor.encode(await epq.encrypt(key)), [x25519Identity(a)!])).toBe('unsupported');
    expect(x25519Recipient(await age.identityToRecipient(pq))).toBeUndefined();
  });

  it('refuses a tampered header or payload', () => {
    const armored = encryptX25519(key, [x25519Recipient(ra)!]);
    const file = Buffer.from(armored.split('\n').slice(1, -2).join(''), 'base64');
    const flip = (at: number): string => {
      const copy = Buffer.from(file);
      copy[at] = copy[at]! ^ 1;
      return `-----BEGIN AGE ENCRYPTED FILE-----\n${copy.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END AGE ENCRYPTED FILE-----\n`;
    };
    expect(decryptX25519(flip(file.length - 3), [x25519Identity(a)!])).toBe('not-ours'); // payload tag
    expect(decryptX25519(flip(file.indexOf('\n') + 12), [x25519Identity(a)!])).not.toEqual(key); // the stanza's share
  });

  it.skipIf(!hasAge)("is read by Debian's age CLI, and reads what it writes", () => {
    const dir = mkdtempSync(join(tmpdir(), 'courier-age-x25519-'));
    try {
      writeFileSync(join(dir, 'key.txt'), `${a}\n`, { mode: 0o600 });
      const ours = spawnSync('age', ['-d', '-i', join(dir, 'key.txt')], { input: encryptX25519(key, [x25519Recipient(ra)!]) });
      expect(ours.status).toBe(0);
      expect(new Uint8Array(ours.stdout)).toEqual(key);
      const theirs = spawnSync('age', ['-e', '-a', '-r', ra], { input: Buffer.from(key) });
      expect(theirs.status).toBe(0);
      expect(decryptX25519(theirs.stdout.toString('utf8'), [x25519Identity(a)!])).toEqual(key);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
