import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseAgeIdentities } from '../../../src/core/sops/age-keys.ts';
import { decryptedDocuments, openSopsFile } from '../../../src/core/sops/open-sops-file.ts';
import { SopsError } from '../../../src/core/sops/sops-error.ts';
import { cases, readConformance, readConformanceBytes } from './conformance-cases.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('SOPS conformance cases (test/conformance/sops/cases.json)', () => {
  it('has the cases it is meant to have', () => {
    expect(cases.length).toBe(22);
  });

  for (const c of cases) {
    it(`${c.id}: ${c.macValid ? 'decrypts and verifies the MAC' : `fails with ${c.failure}`}`, async () => {
      const identities = await parseAgeIdentities(readConformance(c.keyFile), c.keyFile);
      const file = { path: c.file, text: readConformance(c.file) };
      if (!c.macValid) {
        const err = await openSopsFile(file, identities, { format: c.format }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(SopsError);
        expect((err as SopsError).code).toBe(c.failure);
        expect((err as SopsError).message).toContain(c.file);
        // The data key still comes out of the age stanza of a tampered file.
        const keyOnly = await openSopsFile(file, identities, { format: c.format, decryptValues: false });
        expect(hex(keyOnly.dataKey)).toBe(c.dataKeyHex);
        return;
      }
      const opened = await openSopsFile(file, identities, { format: c.format });
      expect(hex(opened.dataKey)).toBe(c.dataKeyHex);
      expect(opened.mac).toBe(c.macHex);
      const docs = decryptedDocuments(opened);
      if (c.expectedFormat === 'raw') {
        const data = (docs[0] as { data: Uint8Array }).data;
        expect(hex(data)).toBe(hex(readConformanceBytes(c.expected!)));
      } else if (c.expectedFormat === 'json') {
        expect(JSON.parse(JSON.stringify(docs[0]))).toEqual(JSON.parse(readConformance(c.expected!)));
      } else {
        expect(normalise(docs[0])).toEqual(normalise(parseYaml(readConformance(c.expected!))));
      }
    });
  }
});

/** The rops plaintexts are YAML; compare as JSON values (numbers by value, so 1.0 equals 1). */
function normalise(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v ?? {}, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)));
}
