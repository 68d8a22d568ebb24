/**
 * Files Courier writes, checked by independent implementations (issue #10 item 2): Debian's `age` CLI
 * unwraps the key stanzas, npm `sops-age` decrypts the values, and the MAC is recomputed with npm
 * `sops-decoder`'s AES layer plus a walk written here. sops-decoder cannot check the MAC alone: its
 * `decrypt()` gets the data key from AWS KMS only, so its exported `decryptScalar` is used with the key.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptSops } from 'sops-age';
import { decryptScalar } from 'sops-decoder';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { encryptSopsFile, generateX25519, openSopsFile, parseSopsFile, rotateDataKey, updateKeys } from '../../../src/core/sops/index.ts';

const NOW = new Date('2031-02-03T04:05:06Z');
const hasAge = spawnSync('age', ['--version']).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'courier-interop-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SECRET_YAML = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: s3cr3t-interop\n  port: 5432\n  tls: "on"\n';
const rule = { kind: 'encrypted_regex' as const, value: '^(data|stringData)$' };

/** Courier-written files: a new one, then updatekeys, then rotate. */
async function courierFiles() {
  const a = await generateX25519();
  const b = await generateX25519();
  const created = await encryptSopsFile({ path: 'db.enc.yaml', text: SECRET_YAML }, { recipients: [a.recipient], rule, now: NOW });
  const updated = await updateKeys(await openSopsFile({ path: 'db.enc.yaml', text: created }, [a]), [a.recipient, b.recipient]);
  const rotated = await rotateDataKey(await openSopsFile({ path: 'db.enc.yaml', text: updated }, [a]), [b.recipient], { now: NOW });
  const json = await encryptSopsFile({ path: 'c.json', text: '{\n  "token": "json-interop",\n  "n": 3,\n  "nested": {"list": ["x", true]}\n}\n' }, { recipients: [a.recipient], now: NOW });
  return { a, b, created, updated, rotated, json };
}

/** A MAC check independent of Courier's walker: values in document order, sops-decoder's AES. */
function independentMac(tree: Record<string, unknown>, key: Uint8Array, shouldEncrypt: (path: string[]) => boolean): { ok: boolean } {
  const h = createHash('sha512');
  const walk = (v: unknown, path: string[]) => {
    if (v === null) return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x, path));
    if (typeof v === 'object') return Object.entries(v as object).forEach(([k, x]) => k !== 'sops' && walk(x, [...path, k]));
    const plain = shouldEncrypt(path) && typeof v === 'string' && v.startsWith('ENC[') ? decryptScalar(v, key, `${path.join(':')}:`) : v;
    h.update(typeof plain === 'boolean' ? (plain ? 'True' : 'False') : String(plain));
  };
  walk(tree, []);
  const sops = tree.sops as { mac: string; lastmodified: string };
  return { ok: String(decryptScalar(sops.mac, key, sops.lastmodified)) === h.digest('hex').toUpperCase() };
}

describe('interop of files Courier writes', () => {
  it.skipIf(!hasAge)('Debian age CLI unwraps every age stanza to the data key (skipped when `age` is not installed: apt-get install age)', async () => {
    const f = await courierFiles();
    for (const [text, id] of [[f.created, f.a], [f.updated, f.b], [f.updated, f.a], [f.rotated, f.b]] as const) {
      const meta = parseSopsFile({ path: 'db.enc.yaml', text }).metadata!;
      const entry = meta.age.find((e) => e.recipient === id.recipient)!;
      const keyFile = join(scratch, 'key.txt');
      writeFileSync(keyFile, `${id.identity}\n`, { mode: 0o600 });
      const encFile = join(scratch, 'stanza.age');
      writeFileSync(encFile, entry.enc);
      const out = execFileSync('age', ['-d', '-i', keyFile, encFile]);
      rmSync(keyFile);
      const opened = await openSopsFile({ path: 'db.enc.yaml', text }, [id]);
      expect(Buffer.from(out).toString('hex')).toBe(Buffer.from(opened.dataKey).toString('hex'));
    }
  });

  it('npm sops-age decrypts the values of created, updated and rotated files', async () => {
    const f = await courierFiles();
    const expected = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 's3cr3t-interop', port: 5432, tls: 'on' } };
    expect(await decryptSops(f.created, { secretKey: f.a.identity, fileType: 'yaml' })).toEqual(expected);
    expect(await decryptSops(f.updated, { secretKey: f.b.identity, fileType: 'yaml' })).toEqual(expected);
    expect(await decryptSops(f.rotated, { secretKey: f.b.identity, fileType: 'yaml' })).toEqual(expected);
    expect(await decryptSops(f.json, { secretKey: f.a.identity, fileType: 'json' })).toEqual({ token: 'json-interop', n: 3, nested: { list: ['x', true] } });
  });

  it('the MAC verifies with sops-decoder AES and an independent walk, and a tampered value fails it', async () => {
    const f = await courierFiles();
    const flux = (p: string[]) => p.some((k) => /^(data|stringData)$/.test(k));
    for (const [text, id] of [[f.created, f.a], [f.updated, f.b], [f.rotated, f.b]] as const) {
      const key = (await openSopsFile({ path: 'db.enc.yaml', text }, [id])).dataKey;
      expect(independentMac(parseYaml(text) as Record<string, unknown>, key, flux).ok).toBe(true);
      expect(independentMac(parseYaml(text.replace('name: db', 'name: dc')) as Record<string, unknown>, key, flux).ok).toBe(false);
    }
    const jkey = (await openSopsFile({ path: 'c.json', text: f.json }, [f.a])).dataKey;
    expect(independentMac(JSON.parse(f.json) as Record<string, unknown>, jkey, (p) => !p.some((k) => k.endsWith('_unencrypted'))).ok).toBe(true);
  });
});
