/** Local mode says what it used and what it ignored, never drops someone's commit, and authors as the user. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { createExampleRepo } from '../../src/local/demo.ts';
import { fixtureEnv } from '../git/git-fixtures.ts';

const BRANCH = 'courier/image/dev/ghcr.io-stefanprodan-podinfo';
const IMAGE = 'ghcr.io/stefanprodan/podinfo:6.6.0';

function git(dir: string, args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: fixtureEnv, encoding: 'utf8' }).trim();
}
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
async function exampleRepo(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'courier-cli-honesty-'));
  temps.push(dir);
  return createExampleRepo(dir);
}
async function courier(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err };
}

describe('bump on a courier/ branch someone else committed to', () => {
  it('refuses, naming the commit, and keeps the branch; --force replaces it and says "replaced"', async () => {
    const dir = await exampleRepo();
    expect((await courier('bump', '--repo', dir, '--image', IMAGE)).code).toBe(0);
    // A reviewer adds a fix-up on Courier's branch.
    git(dir, ['checkout', '-q', BRANCH]);
    writeFileSync(join(dir, 'NOTES.yaml'), 'note: keep me\n');
    git(dir, ['add', 'NOTES.yaml']);
    git(dir, ['commit', '-qm', 'reviewer fix-up']);
    const fixup = git(dir, ['rev-parse', 'HEAD']);
    git(dir, ['checkout', '-q', '-']);

    const refused = await courier('bump', '--repo', dir, '--image', 'ghcr.io/stefanprodan/podinfo:6.6.1');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(new RegExp(`branch ${BRANCH} holds 1 commit Courier did not write: ${fixup.slice(0, 12)} "reviewer fix-up" by Fixture <fixture@example.com>.*--force`));
    expect(git(dir, ['rev-parse', BRANCH])).toBe(fixup);

    const forced = await courier('bump', '--repo', dir, '--image', 'ghcr.io/stefanprodan/podinfo:6.6.1', '--force');
    expect(forced.code).toBe(0);
    expect(forced.out).toMatch(new RegExp(`replaced branch ${BRANCH} at [0-9a-f]{40}, discarding ${fixup.slice(0, 12)} "reviewer fix-up"`));
    expect(forced.out).not.toContain('created branch');
  });

  it('says "updated" when it rewrites its own branch', async () => {
    const dir = await exampleRepo();
    await courier('bump', '--repo', dir, '--image', IMAGE);
    const again = await courier('bump', '--repo', dir, '--image', 'ghcr.io/stefanprodan/podinfo:6.6.1');
    expect(again.code).toBe(0);
    expect(again.out).toContain(`updated branch ${BRANCH}`);
  });
});

describe('commit identity', () => {
  it("authors the commit as the user's git identity, with Courier as committer", async () => {
    const dir = await exampleRepo();
    git(dir, ['config', 'user.name', 'Dana Ops']);
    git(dir, ['config', 'user.email', 'dana@example.com']);
    expect((await courier('bump', '--repo', dir, '--image', IMAGE)).code).toBe(0);
    expect(git(dir, ['log', '-1', '--format=%an <%ae>|%cn <%ce>', BRANCH])).toBe('Dana Ops <dana@example.com>|Courier <courier@localhost>');
  });
});

describe('what was read and what was ignored', () => {
  it('names the repository root when --repo is a subfolder, and the committed HEAD', async () => {
    const dir = await exampleRepo();
    const head = git(dir, ['rev-parse', 'HEAD']);
    const r = await courier('plan', '--repo', join(dir, 'clusters/cloud-dev'), '--image', IMAGE);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`read: committed HEAD ${head.slice(0, 12)} (main) of ${dir} (the repository root; --repo pointed at its subfolder clusters/cloud-dev, and Courier works on the whole repository)`);
  });

  it('lists uncommitted changes it ignored, and says so for an uncommitted .github/courier.yml', async () => {
    const dir = await exampleRepo();
    const config = join(dir, '.github/courier.yml');
    writeFileSync(config, readFileSync(config, 'utf8') + '# edited\n');
    writeFileSync(join(dir, 'scratch.yaml'), 'a: 1\n');
    const r = await courier('plan', '--repo', dir, '--image', IMAGE);
    expect(r.code).toBe(0);
    expect(r.out).toContain('ignored: 2 uncommitted changes (.github/courier.yml, scratch.yaml); Courier reads committed files only, so commit them to include them');
    expect(r.out).toContain('ignored: .github/courier.yml has uncommitted changes; the committed version was used');
  });

  it('names an untracked folder once, and still warns when the config sits in one', async () => {
    const dir = await exampleRepo();
    git(dir, ['rm', '-q', '--cached', '.github/courier.yml']);
    git(dir, ['commit', '-q', '-m', 'untrack the config']);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'drafts/a'), { recursive: true });
    writeFileSync(join(dir, 'drafts/a/one.yaml'), 'a: 1\n');
    writeFileSync(join(dir, 'drafts/two.yaml'), 'b: 2\n');
    const r = await courier('plan', '--repo', dir, '--image', IMAGE);
    expect(r.out).toContain('ignored: 2 uncommitted changes (.github/, drafts/)');
    expect(r.out).toContain('ignored: .github/courier.yml has uncommitted changes; no version of it is committed, so the default configuration (one environment holding every file) was used');
  });

  it('says nothing about ignored changes in a clean checkout', async () => {
    const dir = await exampleRepo();
    const r = await courier('plan', '--repo', dir, '--image', IMAGE);
    expect(r.out).not.toContain('ignored:');
  });
});

describe('small things a new user trips on', () => {
  it('prints the version', async () => {
    const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version as string;
    const r = await courier('--version');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(version);
  });

  it('explains why "latest" as the released tag changes nothing', async () => {
    const dir = await exampleRepo();
    const r = await courier('plan', '--repo', dir, '--image', 'ghcr.io/stefanprodan/podinfo:latest');
    expect(r.code).toBe(0);
    expect(r.out).toContain('nothing to do');
    expect(r.out).toMatch(/"latest" is a moving tag, not a version/);
  });

  it('prints each warning location once', async () => {
    const dir = await exampleRepo();
    const r = await courier('plan', '--repo', dir, '--image', 'ghcr.io/stefanprodan/podinfo:6.4.0');
    const lines = r.out.split('\n').filter((l) => l.startsWith('  - '));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const location = /^ {2}- ([^\s:]+):/.exec(line)?.[1];
      if (location) expect(line.split(location).length - 1, line).toBe(1);
    }
  });
});
