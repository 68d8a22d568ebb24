/** A Flux-style GitOps repository with SOPS files, built with Courier's own encryptor and committed with real git. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { encryptSopsFile, generateX25519, type AgeIdentity } from '../../src/core/sops/index.ts';
import { fixtureEnv } from '../git/git-fixtures.ts';

export const PLAINTEXTS = ['pg-password-4b7f1e9a', 'api-token-9c2d7e31', 'dotenv-secret-61aa0f3c'];
export const NOW = new Date('2030-05-06T07:08:09Z');
const FLUX_RULE = { kind: 'encrypted_regex' as const, value: '^(data|stringData)$' };

export function git(dir: string, args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: fixtureEnv, encoding: 'utf8' });
}

export interface SopsRepo {
  dir: string;
  courier: AgeIdentity;
  /** One key per cluster: prod and dev keep separate keys. */
  prod: AgeIdentity;
  dev: AgeIdentity;
}

const secret = (name: string, key: string, value: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: flux-system\ntype: Opaque\nstringData:\n  ${key}: |\n${value.trimEnd().split('\n').map((l) => `    ${l}`).join('\n')}\n`;

export async function createSopsRepo(parent = mkdtempSync(join(tmpdir(), 'courier-sops-'))): Promise<SopsRepo> {
  const dir = join(parent, 'repo');
  const [courier, prod, dev] = [await generateX25519(), await generateX25519(), await generateX25519()];
  const files: Record<string, string> = {
    '.github/courier.yml': 'environments:\n  - name: prod\n    paths: ["**"]\nsops:\n  keySecrets:\n    - path: clusters/*/flux-system/sops-age.enc.yaml\n',
    '.sops.yaml': `creation_rules:\n  - path_regex: clusters/prod/.*\\.enc\\.(yaml|env)$\n    encrypted_regex: ^(data|stringData)$\n    age: ${courier.recipient},${prod.recipient}\n  - path_regex: clusters/dev/.*\\.enc\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age:\n      - ${courier.recipient}\n      - ${dev.recipient}\n`,
  };
  const enc = async (path: string, text: string, recipients: string[], rule = FLUX_RULE) =>
    (files[path] = await encryptSopsFile({ path, text }, { recipients, rule, now: NOW }));
  await enc('clusters/prod/flux-system/sops-age.enc.yaml', secret('sops-age', 'age.agekey', `# prod cluster key\n${prod.identity}`), [courier.recipient, prod.recipient]);
  await enc('clusters/dev/flux-system/sops-age.enc.yaml', secret('sops-age', 'age.agekey', dev.identity), [courier.recipient, dev.recipient]);
  await enc('clusters/prod/apps/db.enc.yaml', `${secret('db', 'password', PLAINTEXTS[0]!)}# keep this comment\n`, [courier.recipient, prod.recipient]);
  await enc('clusters/dev/apps/api.enc.yaml', secret('api', 'token', PLAINTEXTS[1]!), [courier.recipient, dev.recipient]);
  await enc('clusters/prod/apps/app.enc.env', `# settings\nSECRET=${PLAINTEXTS[2]}\n`, [courier.recipient, prod.recipient], { kind: 'unencrypted_suffix', value: '_unencrypted' } as never);
  files['clusters/prod/apps/deploy.yaml'] = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\n';
  mkdirSync(dir, { recursive: true });
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'fleet']);
  return { dir, courier, prod, dev };
}
