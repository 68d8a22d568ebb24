import { describe, expect, it } from 'vitest';
import { generateX25519, parseAgeIdentities } from '../../../src/core/sops/age-keys.ts';
import { encryptSopsFile } from '../../../src/core/sops/encrypt-sops-file.ts';
import { decryptedDocuments, openSopsFile } from '../../../src/core/sops/open-sops-file.ts';
import { rotateDataKey, updateKeys } from '../../../src/core/sops/rekey-sops-file.ts';
import { SopsError } from '../../../src/core/sops/sops-error.ts';
import { cases, readConformance } from './conformance-cases.ts';

const NOW = new Date('2030-01-02T03:04:05.678Z');
const valid = cases.filter((c) => c.macValid && !c.optional);
/** Lines that carry ciphertext or metadata: the only ones a re-key may change. */
const sopsLine = (l: string) => /ENC\[|sops|^\s*[-"]?\s*"?(recipient|enc|lastmodified|mac|version)"?\s*[:=]|^\s+[A-Za-z0-9+/=-]{20,}\\?n?"?,?$|^\s*-----|^\s*[}\]],?$|^\s*\{$|^\s*-\s*$/.test(l);

describe('updatekeys and rotate on the conformance files', () => {
  for (const c of valid) {
    it(`${c.id}: updatekeys adds a recipient and keeps data key, values, MAC and lastmodified`, async () => {
      const ids = await parseAgeIdentities(readConformance(c.keyFile), c.keyFile);
      const text = readConformance(c.file);
      const opened = await openSopsFile({ path: c.file, text }, ids, { format: c.format });
      const fresh = await generateX25519();
      const after = await updateKeys(opened, [...opened.metadata.age.map((a) => a.recipient), fresh.recipient]);
      const reopened = await openSopsFile({ path: c.file, text: after }, [fresh], { format: c.format });
      expect(Buffer.from(reopened.dataKey).toString('hex')).toBe(c.dataKeyHex);
      expect(reopened.metadata.mac).toBe(opened.metadata.mac);
      expect(reopened.metadata.lastmodified).toBe(opened.metadata.lastmodified);
      expect(decryptedDocuments(reopened)).toEqual(decryptedDocuments(opened));
      // The old key still opens it, and every old age entry is kept verbatim.
      await openSopsFile({ path: c.file, text: after }, ids, { format: c.format });
      for (const a of opened.metadata.age) expect(reopened.metadata.age).toContainEqual(a);
      // Only the added entry's bytes are new: the original text minus the age list is a prefix/suffix match.
      const removed = text.split('\n').filter((l) => !after.split('\n').includes(l));
      expect(removed.filter((l) => !sopsLine(l))).toEqual([]);
      // Same recipient set: nothing changes.
      expect(await updateKeys(reopened, reopened.metadata.age.map((a) => a.recipient))).toBe(after);
    });

    it(`${c.id}: rotate gives a new data key for the new recipient only, same values, a new verified MAC`, async () => {
      const ids = await parseAgeIdentities(readConformance(c.keyFile), c.keyFile);
      const text = readConformance(c.file);
      const opened = await openSopsFile({ path: c.file, text }, ids, { format: c.format });
      if (opened.metadata.otherMasterKeys.length > 0) {
        await expect(rotateDataKey(opened, ['age1x'], { now: NOW })).rejects.toThrow(/cannot re-wrap/);
        return;
      }
      const fresh = await generateX25519();
      const after = await rotateDataKey(opened, [fresh.recipient], { now: NOW });
      const reopened = await openSopsFile({ path: c.file, text: after }, [fresh], { format: c.format });
      expect(Buffer.from(reopened.dataKey).toString('hex')).not.toBe(c.dataKeyHex);
      expect(reopened.metadata.lastmodified).toBe('2030-01-02T03:04:05Z');
      expect(reopened.metadata.age.map((a) => a.recipient)).toEqual([fresh.recipient]);
      expect(reopened.mac).toBe(c.macHex);
      expect(decryptedDocuments(reopened)).toEqual(decryptedDocuments(opened));
      const err = await openSopsFile({ path: c.file, text: after }, ids, { format: c.format }).catch((e: unknown) => e);
      expect((err as SopsError).code).toBe('no-key');
      expect((err as SopsError).message).toContain(fresh.recipient);
      const changed = text.split('\n').filter((l) => !after.split('\n').includes(l));
      expect(changed.filter((l) => !sopsLine(l))).toEqual([]);
    });
  }
});

describe('encryptSopsFile', () => {
  const plain = [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: db # the database',
    'stringData:',
    '  # password of the app user',
    '  password: "hunter2-plaintext"',
    '  port: 5432',
    '  empty: ""',
    '  list: [one, two]',
    '  block: |',
    '    line one',
    '    line two',
    '',
  ].join('\n');

  it('encrypts the values the rule selects, in place, and the result decrypts with a verified MAC', async () => {
    const id = await generateX25519();
    const out = await encryptSopsFile({ path: 's.enc.yaml', text: plain }, { recipients: [id.recipient], rule: { kind: 'encrypted_regex', value: '^(data|stringData)$' }, now: NOW });
    expect(out).not.toContain('hunter2-plaintext');
    expect(out).not.toContain('line one');
    expect(out).toContain('mac: ENC[');
    expect(out.startsWith('apiVersion: v1\nkind: Secret\nmetadata:\n  name: db # the database\nstringData:\n  #ENC[')).toBe(true);
    expect(out).toContain('  empty: ""\n');
    expect(out).toContain('    encrypted_regex: ^(data|stringData)$\n    version: 3.10.2\n');
    const opened = await openSopsFile({ path: 's.enc.yaml', text: out }, [id]);
    expect(decryptedDocuments(opened)[0]).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      stringData: { password: 'hunter2-plaintext', port: 5432, empty: '', list: ['one', 'two'], block: 'line one\nline two\n' },
    });
    expect([...opened.comments.values()]).toEqual([' password of the app user']);
  });

  it('encrypts dotenv, JSON and binary files', async () => {
    const id = await generateX25519();
    for (const [path, text] of [
      ['a.env', '# note\nTOKEN=abc-plaintext\nEMPTY=\n'],
      ['a.json', '{\n  "token": "abc-plaintext",\n  "n": 7,\n  "f": 1.5,\n  "ok": true\n}\n'],
      ['a.txt', 'abc-plaintext\n'],
    ] as const) {
      const out = await encryptSopsFile({ path, text }, { recipients: [id.recipient], now: NOW });
      expect(out).not.toContain('abc-plaintext');
      const opened = await openSopsFile({ path, text: out }, [id]);
      const doc = decryptedDocuments(opened)[0] as Record<string, unknown>;
      if (path === 'a.txt') expect(Buffer.from(doc.data as Uint8Array).toString()).toBe(text);
      else expect(JSON.stringify(doc)).toContain('abc-plaintext');
    }
  });
});
