import { describe, expect, it } from 'vitest';
import { encryptSopsFile, generateX25519, lintSecrets, type SopsInputFile } from '../../../src/core/sops/index.ts';
import { readConformance } from './conformance-cases.ts';
import { parseAgeIdentities } from '../../../src/core/sops/age-keys.ts';

const NOW = new Date('2030-01-01T00:00:00Z');
const SECRET = 'plain-value-7d3e';
const rule = { kind: 'encrypted_regex' as const, value: '^(data|stringData)$' };

describe('lintSecrets', () => {
  it('reports each kind of problem with file and line, and never a value', async () => {
    const courier = await generateX25519();
    const cluster = await generateX25519();
    const secretYaml = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: ${SECRET}\n`;
    const good = await encryptSopsFile({ path: 'apps/good.enc.yaml', text: secretYaml }, { recipients: [courier.recipient, cluster.recipient], rule, now: NOW });
    const lacking = await encryptSopsFile({ path: 'apps/lacking.enc.yaml', text: secretYaml }, { recipients: [courier.recipient], rule, now: NOW });
    const tampered = good.replace('name: s', 'name: t');
    const files: SopsInputFile[] = [
      { path: '.sops.yaml', text: `creation_rules:\n  - path_regex: \\.enc\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: ${courier.recipient},${cluster.recipient}\n  - path_regex: overlap\\.enc\\.yaml$\n    age: ${courier.recipient}\n` },
      { path: 'apps/good.enc.yaml', text: good },
      { path: 'apps/plain.enc.yaml', text: secretYaml },
      { path: 'apps/lacking.enc.yaml', text: lacking },
      { path: 'apps/tampered.enc.yaml', text: tampered },
      { path: 'apps/secret.clear.yaml', text: secretYaml },
      { path: 'apps/overlap.enc.yaml', text: good },
      { path: 'apps/deploy.yaml', text: 'kind: Deployment\n' },
    ];
    const findings = await lintSecrets({ files, identities: [courier] });
    const summary = findings.map((f) => `${f.file}:${f.line ?? '-'} ${f.kind}`);
    expect(summary).toEqual([
      'apps/lacking.enc.yaml:7 missing-recipient',
      'apps/overlap.enc.yaml:1 overlapping-rules',
      'apps/plain.enc.yaml:6 plaintext-secret',
      'apps/secret.clear.yaml:- decrypted-file',
      'apps/tampered.enc.yaml:7 mac-invalid',
    ]);
    expect(findings.find((f) => f.kind === 'missing-recipient')!.message).toContain(cluster.recipient);
    expect(findings.find((f) => f.kind === 'mac-invalid')!.message).toMatch(/MAC mismatch/);
    for (const f of findings) {
      expect(f.message).not.toContain(SECRET);
      expect(f.message).not.toContain('AGE-SECRET-KEY');
    }
    // Without a key, MACs are not verified, and that is said.
    const noKey = await lintSecrets({ files, identities: [] });
    expect(noKey.filter((f) => f.kind === 'not-verified').map((f) => f.file)).toContain('apps/tampered.enc.yaml');
    // Only the changed files of a pull request.
    expect((await lintSecrets({ files, identities: [courier], paths: ['apps/good.enc.yaml'] })).length).toBe(0);
  });

  it('reports the conformance files that carry PGP keys and the tampered ones', async () => {
    const nix = 'files/sops-nix/secrets.yaml';
    const tampered = 'files/tampered/sops-age-secret.enc.mac-ciphertext.yaml';
    const ids = [...(await parseAgeIdentities(readConformance('keys/sops-nix.agekey'), 'k')), ...(await parseAgeIdentities(readConformance('keys/sops-age.agekey'), 'k'))];
    const findings = await lintSecrets({ files: [nix, tampered].map((p) => ({ path: p, text: readConformance(p) })), identities: ids });
    expect(findings.map((f) => `${f.file} ${f.kind} ${f.severity}`)).toEqual([
      `${nix} unsupported-keys notice`,
      `${tampered} mac-invalid error`,
    ]);
  });
});
