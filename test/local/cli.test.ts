import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { createExampleRepo } from '../../src/local/demo.ts';
import { fixtureEnv } from '../git/git-fixtures.ts';
import { createSopsRepo } from './sops-fixture-repo.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PODINFO_BRANCH = 'courier/image/dev/ghcr.io-stefanprodan-podinfo';

function git(dir: string, args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: fixtureEnv, encoding: 'utf8' });
}

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'courier-cli-'));
  temps.push(dir);
  return dir;
}
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function exampleRepo(): Promise<string> {
  return createExampleRepo(tempDir());
}

/** One untouched example repository for the runs that must not change anything (each test checks that). */
let shared: string;
beforeAll(async () => {
  shared = await exampleRepo();
});

async function courier(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err };
}

/** Everything a user could notice about their checkout. */
function snapshot(dir: string) {
  return {
    head: git(dir, ['rev-parse', 'HEAD']),
    symbolic: git(dir, ['symbolic-ref', 'HEAD']),
    branches: git(dir, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads']),
    status: git(dir, ['status', '--porcelain=v1', '-uall']),
    index: readFileSync(join(dir, '.git/index')).toString('hex'),
  };
}

/** A user-facing failure: exit 2, one paragraph on stderr naming the problem, no stack trace. */
function expectCleanFailure(r: { code: number; out: string; err: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err).toMatch(pattern);
  expect(r.err.trim()).not.toMatch(/\n\s*\n/);
  expect(r.err).not.toMatch(/^\s+at /m);
}

describe('courier plan', () => {
  it('prints the diff, the proposal and changes nothing', async () => {
    const dir = shared;
    const before = snapshot(dir);
    const r = await courier('plan', '--repo', dir, '--image', 'ghcr.io/stefanprodan/podinfo:6.6.0');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('--- a/clusters/cloud-dev/podinfo.yaml\n+++ b/clusters/cloud-dev/podinfo.yaml');
    expect(r.out).toContain('--- a/clusters/munich-dev/podinfo.yaml');
    expect(r.out).toContain('-      PODINFO_VERSION: "6.5.0"  # bumped by Courier');
    expect(r.out).toContain('+      PODINFO_VERSION: "6.6.0"  # bumped by Courier');
    expect(r.out).not.toContain('cloud-prod/podinfo.yaml');
    expect(r.out).toContain(`branch:  ${PODINFO_BRANCH}`);
    expect(r.out).toContain('title:   Update podinfo to 6.6.0 in dev');
    expect(r.out).not.toContain('created branch');
    expect(snapshot(dir)).toEqual(before);
  });

  it('limits the change to --env prod', async () => {
    const dir = shared;
    const r = await courier('plan', '--repo', dir, '--image', 'ghcr.io/stefanprodan/podinfo:6.6.0', '--env', 'prod');
    expect(r.code).toBe(0);
    expect(r.out).toContain('--- a/clusters/cloud-prod/podinfo.yaml');
    expect(r.out).toContain('-      PODINFO_VERSION: "6.4.1"');
    expect(r.out).not.toContain('cloud-dev/podinfo.yaml');
    expect(r.out).toContain('branch:  courier/image/prod/ghcr.io-stefanprodan-podinfo');
  });
});

describe('courier plan without a config', () => {
  it('says the whole repository is one environment "default" and plans for every cluster', async () => {
    const dir = await exampleRepo();
    git(dir, ['rm', '-q', '.github/courier.yml']);
    git(dir, ['commit', '-qm', 'no config']);
    const r = await courier('plan', '--repo', dir, '--image', 'ghcr.io/stefanprodan/podinfo:6.6.0');
    expect(r.code).toBe(0);
    expect(r.out).toContain('environment "default"');
    expect(r.out).toContain('no .github/courier.yml');
    for (const cluster of ['cloud-dev', 'munich-dev', 'cloud-prod']) expect(r.out).toContain(`--- a/clusters/${cluster}/podinfo.yaml`);
    expect(r.out).toContain('branch:  courier/image/default/ghcr.io-stefanprodan-podinfo');
  });
});

describe('courier bump', () => {
  it('creates one commit on a courier/ branch on top of HEAD with exactly the planned files', async () => {
    const dir = await exampleRepo();
    const before = snapshot(dir);
    const head = before.head.trim();
    const r = await courier('bump', '--repo', dir, '--image', 'ghcr.io/stefanprodan/podinfo:6.6.0');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const tip = git(dir, ['rev-parse', `refs/heads/${PODINFO_BRANCH}`]).trim();
    expect(r.out).toContain(`created branch ${PODINFO_BRANCH} at ${tip}`);
    expect(git(dir, ['rev-list', '--parents', '-n', '1', tip]).trim()).toBe(`${tip} ${head}`);
    expect(git(dir, ['rev-list', '--count', `${head}..${tip}`]).trim()).toBe('1');
    expect(git(dir, ['diff', '--name-only', head, tip]).trim().split('\n')).toEqual(['clusters/cloud-dev/podinfo.yaml', 'clusters/munich-dev/podinfo.yaml']);
    // The CRLF file is committed byte for byte, only the value changed.
    const munichBefore = git(dir, ['show', `${head}:clusters/munich-dev/podinfo.yaml`]);
    const munichAfter = git(dir, ['show', `${tip}:clusters/munich-dev/podinfo.yaml`]);
    expect(munichAfter).toBe(munichBefore.replace('"6.5.0"  # bumped by Courier\r\n', '"6.6.0"  # bumped by Courier\r\n'));
    expect(munichAfter).not.toBe(munichBefore);
    expect(git(dir, ['log', '-1', '--format=%s', tip]).trim()).toBe('Update podinfo to 6.6.0 in dev');
    // Current branch, HEAD, index and working tree untouched; the only new ref is the Courier branch.
    const after = snapshot(dir);
    expect({ ...after, branches: '' }).toEqual({ ...before, branches: '' });
    expect(after.branches).toBe(`refs/heads/${PODINFO_BRANCH} ${tip}\n${before.branches}`);
  });

  it('says "nothing to do" and creates no branch when the release is already present', async () => {
    const dir = shared;
    const before = snapshot(dir);
    const r = await courier('bump', '--repo', dir, '--image', 'ghcr.io/stefanprodan/podinfo:6.5.0');
    expect(r.code).toBe(0);
    expect(r.out).toContain('nothing to do');
    expect(r.out).not.toContain('created branch');
    expect(snapshot(dir)).toEqual(before);
  });

  it('reads HEAD only: uncommitted edits are ignored and survive', async () => {
    const dir = await exampleRepo();
    const file = join(dir, 'clusters/cloud-dev/podinfo.yaml');
    const dirty = readFileSync(file, 'utf8').replace('"6.5.0"', '"9.9.9"');
    writeFileSync(file, dirty);
    mkdirSync(join(dir, 'scratch'));
    writeFileSync(join(dir, 'scratch/new.yaml'), 'image: ghcr.io/stefanprodan/podinfo:1.0.0\n');
    git(dir, ['add', 'scratch/new.yaml']);
    const before = snapshot(dir);
    const r = await courier('bump', '--repo', dir, '--image', 'ghcr.io/stefanprodan/podinfo:6.6.0');
    expect(r.code).toBe(0);
    expect(r.out).toContain('-      PODINFO_VERSION: "6.5.0"');
    expect(r.out).not.toContain('9.9.9');
    expect(r.out).not.toContain('b/scratch/new.yaml');
    expect(r.out).toContain('ignored: 2 uncommitted changes (clusters/cloud-dev/podinfo.yaml, scratch/new.yaml)');
    expect(git(dir, ['diff', '--name-only', 'HEAD', PODINFO_BRANCH]).trim().split('\n')).toEqual([
      'clusters/cloud-dev/podinfo.yaml',
      'clusters/munich-dev/podinfo.yaml',
    ]);
    expect(git(dir, ['show', `${PODINFO_BRANCH}:clusters/cloud-dev/podinfo.yaml`])).toContain('PODINFO_VERSION: "6.6.0"');
    expect(readFileSync(file, 'utf8')).toBe(dirty);
    expect({ ...snapshot(dir), branches: '' }).toEqual({ ...before, branches: '' });
  });
});

describe('user errors: exit 2, one paragraph, no stack trace', () => {
  it('unknown environment names the known ones', async () => {
    const dir = shared;
    const r = await courier('plan', '--repo', dir, '--image', 'ghcr.io/acme/webapp:1.5.0', '--env', 'staging');
    expectCleanFailure(r, /unknown environment "staging".*dev, prod/);
  });

  it('invalid image reference and missing tag', async () => {
    const dir = shared;
    expectCleanFailure(await courier('plan', '--repo', dir, '--image', 'ghcr.io/acme/web@@'), /invalid image reference "ghcr.io\/acme\/web@@".*ghcr.io\/acme\/app:1.2.3/);
    expectCleanFailure(await courier('bump', '--repo', dir, '--image', 'ghcr.io/acme/webapp'), /has no tag.*--image ghcr.io\/acme\/webapp:1.2.3/);
    expectCleanFailure(await courier('bump', '--repo', dir, '--image', 'ghcr.io/acme/webapp:1.5.0', '--digest', 'sha256:abc'), /--digest sha256:abc is not a digest/);
    expect(git(dir, ['branch', '--list', 'courier/*'])).toBe('');
  });

  it('a folder that is not a git repository, or does not exist', async () => {
    const empty = tempDir();
    expectCleanFailure(await courier('plan', '--repo', empty, '--image', 'ghcr.io/acme/webapp:1.5.0'), /git repository/);
    expectCleanFailure(await courier('plan', '--repo', join(empty, 'missing'), '--image', 'ghcr.io/acme/webapp:1.5.0'), /is not a directory.*--repo/);
  });

  it('an invalid committed config lists every problem with its path', async () => {
    const dir = await exampleRepo();
    writeFileSync(join(dir, '.github/courier.yml'), 'environments:\n  - name: Dev!\n    paths: ["clusters/**"]\n    autoMerge: maybe\n');
    git(dir, ['commit', '-qam', 'break the config']);
    const r = await courier('bump', '--repo', dir, '--image', 'ghcr.io/stefanprodan/podinfo:6.6.0');
    expectCleanFailure(r, /invalid configuration/);
    expect(r.err).toContain('.github/courier.yml:2 environments[0].name:');
    expect(r.err).toContain('.github/courier.yml:4 environments[0].autoMerge:');
    expect(git(dir, ['branch', '--list', 'courier/*'])).toBe('');
  });
});

/** Runs a command to completion without blocking the event loop, so the slow ones can overlap. */
function spawnText(command: string, args: string[], env?: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, ...(env ? { env: { ...process.env, ...env } } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('from a checkout', () => {
  it('node bin/courier.js plan runs as a child process, and npx courier --help resolves the package bin', async () => {
    const dir = shared;
    const bin = join(ROOT, 'bin/courier.js');
    const [r, bad, help] = await Promise.all([
      spawnText(process.execPath, [bin, 'plan', '--repo', dir, '--image', 'docker.io/bitnami/redis:7.2.5-debian-12-r0', '--env', 'prod']),
      spawnText(process.execPath, [bin, 'plan', '--repo', dir, '--image', 'nope@@']),
      spawnText('npx', ['--no-install', 'courier', '--help']),
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('+      tag: 7.2.5-debian-12-r0');
    expect(r.stdout).toContain('--- a/clusters/cloud-prod/redis.yaml');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^courier: invalid image reference/);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: courier');
    expect(help.stdout).toMatch(/plan \[options\]/);
    expect(help.stdout).toMatch(/bump \[options\]/);
  });

  // After `npm ci` (CI) bin/courier.js runs the bundle, dependencies included: the commands that load
  // age-encryption and the SOPS stores must work from it too, not only through tsx.
  it('node bin/courier.js secrets-lint and rotate-keys run as child processes', async () => {
    const repo = await createSopsRepo();
    const bin = join(ROOT, 'bin/courier.js');
    const lint = await spawnText(process.execPath, [bin, 'secrets-lint', '--repo', repo.dir]);
    expect(lint.stderr).toBe('');
    expect(lint.status).toBe(0);
    const rotate = await spawnText(process.execPath, [bin, 'rotate-keys', '--repo', repo.dir], { SOPS_AGE_KEY: repo.courier.identity });
    expect(rotate.stderr).toBe('');
    expect(rotate.status).toBe(0);
    expect(rotate.stdout).toMatch(/created branch courier\/rotate-keys\/all\/start/);
    rmSync(dirname(repo.dir), { recursive: true, force: true });
  });
});
