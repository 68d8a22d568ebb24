/**
 * The `courier/secrets` check on pull requests, through the real wiring against the fake GitHub and a
 * bare repository with a `.sops.yaml`: findings with file and line as annotations, success for a clean
 * head, neutral without `.sops.yaml`, and no plaintext value anywhere Courier wrote.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encryptSopsFile, generateX25519 } from '../../src/core/sops/index.ts';
import { startCourierStack, type CourierStack } from '../support/courier-stack.ts';
import { seedBareRepo, type SeededRepo } from '../support/bare-repo.ts';
import { gitEnv } from '../support/git-store.ts';
import { pullRequestOpened } from '../support/payloads.ts';

const INSTALLATION = 4646;
const PLAINTEXT = 'pg-password-77e1c0de';
let root: string;
let seeded: SeededRepo;
let stack: CourierStack | undefined;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'courier-e2e-secrets-'));
});
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  rmSync(root, { recursive: true, force: true });
});

const secret = (value: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\nstringData:\n  password: ${value}\n`;

async function boot(files: Record<string, string>, env: Record<string, string> = {}): Promise<void> {
  seeded = seedBareRepo(root, 'fleet', { files: { '.github/courier.yml': 'environments:\n  - name: prod\n    paths: ["**"]\n', ...files } });
  stack = await startCourierStack({ repos: [{ owner: 'acme', name: 'fleet', bareDir: seeded.bare, installationId: INSTALLATION }], root, cacheDir: path.join(root, 'cache'), env });
}

/** Pushes a branch with `files` on top of main; returns its head. */
function branch(name: string, files: Record<string, string>): string {
  const work = path.join(root, `work-${name}`);
  const git = (args: string[]) => execFileSync('git', args, { cwd: work, env: gitEnv(), encoding: 'utf8' }).trim();
  execFileSync('git', ['clone', '-q', seeded.bare, work], { env: gitEnv() });
  git(['checkout', '-q', '-b', name]);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(work, p)), { recursive: true });
    writeFileSync(path.join(work, p), text);
  }
  git(['add', '-A']);
  git(['commit', '-q', '-m', name]);
  git(['push', '-q', 'origin', name]);
  return git(['rev-parse', 'HEAD']);
}

async function open(name: string, sha: string, number: number) {
  const payload = pullRequestOpened('acme', 'fleet', number, name, sha, INSTALLATION);
  payload.repository.clone_url = pathToFileURL(seeded.bare).href;
  expect(await stack!.webhook('pull_request', payload, `pr-${number}`)).toBe(200);
  const fleet = stack!.fake.repo('acme', 'fleet');
  const deadline = Date.now() + 15_000;
  while (!fleet.checkRuns.some((r) => r.name === 'courier/secrets' && r.head_sha === sha) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return fleet.checkRuns.find((r) => r.name === 'courier/secrets' && r.head_sha === sha);
}

describe('courier/secrets on pull requests', () => {
  it('fails a head that commits plaintext a rule says must be encrypted, and a decrypted copy; names file and line, never the value', async () => {
    const courier = await generateX25519();
    const sopsYaml = `creation_rules:\n  - path_regex: secrets/.*\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: ${courier.recipient}\n`;
    const encrypted = await encryptSopsFile({ path: 'secrets/ok.yaml', text: secret('fine-1234') }, { recipients: [courier.recipient], rule: { kind: 'encrypted_regex', value: '^(data|stringData)$' }, now: new Date('2030-01-01T00:00:00Z') });
    await boot({ '.sops.yaml': sopsYaml, 'secrets/ok.yaml': encrypted }, { SOPS_AGE_KEY: courier.identity });
    const sha = branch('add-db', { 'secrets/db.yaml': secret(PLAINTEXT), 'apps/db.clear.yaml': secret(PLAINTEXT) });
    const run = await open('add-db', sha, 7);
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const annotations = run!.output!.annotations as Array<{ path: string; start_line: number; annotation_level: string; title: string }>;
    expect(annotations).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'secrets/db.yaml', start_line: 7, annotation_level: 'failure', title: 'plaintext-secret' }),
      expect.objectContaining({ path: 'apps/db.clear.yaml', annotation_level: 'failure', title: 'decrypted-file' }),
    ]));
    expect(JSON.stringify(stack!.fake.repo('acme', 'fleet').checkRuns)).not.toContain(PLAINTEXT);
    expect(JSON.stringify(stack!.fake.repo('acme', 'fleet').checkRuns)).not.toContain(courier.identity);

    const clean = branch('clean', { 'README.md': 'docs\n' });
    expect(await open('clean', clean, 8)).toMatchObject({ conclusion: 'success', output: expect.objectContaining({ title: 'Secrets are encrypted as the rules say' }) });
  });

  it('is neutral in a repository without .sops.yaml', async () => {
    await boot({ 'apps/cm.yaml': 'kind: ConfigMap\n' });
    const sha = branch('feature', { 'apps/other.yaml': 'kind: ConfigMap\n' });
    expect(await open('feature', sha, 3)).toMatchObject({ conclusion: 'neutral', output: expect.objectContaining({ title: 'No .sops.yaml' }) });
  });
});
