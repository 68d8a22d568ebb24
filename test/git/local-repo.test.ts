import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitToBranch, describeCheckout, LocalRepoError, readTree, YAML_PATHSPECS } from '../../src/git/local-repo.ts';
import { MAX_FILE_BYTES } from '../../src/git/tree-reader.ts';
import { fixtureEnv } from './git-fixtures.ts';

/** git for setting up and inspecting test repositories: fixed identity, no global config, nothing inherited. */
function run(dir: string, args: string[], input?: string): string {
  return execFileSync('git', args, { cwd: dir, env: fixtureEnv, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

function write(dir: string, path: string, text: string | Buffer): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

const roots: string[] = [];
function tempRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'courier-local-repo-'));
  roots.push(dir);
  run(dir, ['init', '-q', '-b', 'main']);
  return dir;
}
afterAll(() => roots.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Everything a user could notice about their checkout. */
function snapshot(dir: string) {
  return {
    head: run(dir, ['rev-parse', 'HEAD']),
    symbolic: run(dir, ['symbolic-ref', 'HEAD']),
    status: run(dir, ['status', '--porcelain=v1', '-uall']),
    index: readFileSync(join(dir, '.git/index')).toString('hex'),
    staged: run(dir, ['diff', '--cached']),
    unstaged: run(dir, ['diff']),
    app: readFileSync(join(dir, 'apps/app/deploy.yaml'), 'utf8'),
  };
}

describe('readTree', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempRepo();
    write(dir, 'apps/app/deploy.yaml', 'image: app:1.0.0\r\n');
    write(dir, 'clusters/dev/Kustomization', 'resources: []\n');
    write(dir, '.github/courier.yml', 'environments: []\n');
    write(dir, 'README.md', '# not yaml\n');
    write(dir, 'bin.yaml', Buffer.from([0x61, 0x3a, 0x00, 0x62]));
    write(dir, 'huge.yaml', `a: "${'x'.repeat(MAX_FILE_BYTES)}"\n`);
    write(dir, 'sp ace/ünï\tcode.yaml', 'k: v\n');
    symlinkSync('/etc/passwd', join(dir, 'link.yaml'));
    run(dir, ['add', '-A']);
    // A submodule entry (gitlink) without cloning anything.
    run(dir, ['update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},vendor/sub.yaml`]);
    run(dir, ['commit', '-q', '-m', 'fleet']);
    // Uncommitted edits must not be seen.
    write(dir, 'apps/app/deploy.yaml', 'image: app:9.9.9\n');
    write(dir, 'untracked.yaml', 'x: 1\n');
  });

  it('reads the committed YAML files, byte for byte, not the working tree', async () => {
    const { files } = await readTree(dir);
    expect(files.map((f) => f.path).sort()).toEqual(['.github/courier.yml', 'apps/app/deploy.yaml', 'clusters/dev/Kustomization', 'sp ace/ünï\tcode.yaml']);
    expect(files.find((f) => f.path === 'apps/app/deploy.yaml')!.text).toBe('image: app:1.0.0\r\n');
  });

  it('skips symlinks, submodules, binary and huge files, saying why', async () => {
    const { skipped } = await readTree(dir);
    expect(skipped.map((w) => [w.code, w.file]).sort()).toEqual([
      ['binary-file', 'bin.yaml'],
      ['file-too-large', 'huge.yaml'],
      ['submodule', 'vendor/sub.yaml'],
      ['symlink', 'link.yaml'],
    ]);
    expect(skipped.find((w) => w.code === 'file-too-large')!.message).toMatch(/5 MB/);
  });

  it('reads other files when asked and rejects unknown revisions', async () => {
    const { files } = await readTree(dir, 'HEAD', { include: (p) => p.endsWith('.md') });
    expect(files).toEqual([{ path: 'README.md', text: '# not yaml\n' }]);
    await expect(readTree(dir, 'no-such-rev')).rejects.toThrow(LocalRepoError);
  });

  it('with a screen, loads only the files kept by path or holding a token, and still lists every path', async () => {
    const screened = tempRepo();
    write(screened, 'apps/a/deploy.yaml', 'image: ghcr.io/acme/web:1.0.0\n');
    write(screened, 'apps/b/deploy.YML', 'image: ghcr.io/acme/web:1.0.0\n'); // extension in capitals: isYamlish reads it
    write(screened, 'apps/c/deploy.yaml', 'image: ghcr.io/acme/api:1.0.0\n');
    write(screened, 'apps/kustomization.yaml', 'resources: [a, b, c]\n');
    write(screened, 'apps/bin.yaml', Buffer.from('web\0'));
    write(screened, 'apps/notes.md', 'web\n');
    run(screened, ['add', '-A']);
    run(screened, ['commit', '-q', '-m', 'fleet']);
    const screen = { byPath: (p: string) => p.endsWith('kustomization.yaml'), tokens: ['web'], pathspecs: YAML_PATHSPECS };
    // From a subfolder: git grep on a tree searches only below the cwd unless told otherwise.
    const read = await readTree(join(screened, 'apps/c'), 'HEAD', { screen });
    expect(read.files.map((f) => f.path).sort()).toEqual(['apps/a/deploy.yaml', 'apps/b/deploy.YML', 'apps/kustomization.yaml']);
    expect(read.paths.sort()).toEqual(['apps/a/deploy.yaml', 'apps/b/deploy.YML', 'apps/c/deploy.yaml', 'apps/kustomization.yaml']);
    expect(read.skipped.map((w) => [w.code, w.file])).toEqual([['binary-file', 'apps/bin.yaml']]);
    const none = await readTree(screened, 'HEAD', { screen: { ...screen, tokens: ['nowhere'] } });
    expect(none.files.map((f) => f.path)).toEqual(['apps/kustomization.yaml']);
    expect(none.paths).toHaveLength(5);
  });

  it('reads a 10,000-file tree through one cat-file stream', async () => {
    const big = tempRepo();
    const lines: string[] = ['commit refs/heads/main', 'committer Test <test@example.com> 1700000000 +0000', 'data 4', 'big', ''];
    for (let i = 0; i < 10_000; i++) {
      const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm-${i} }\ndata: { i: "${i}" }\n`;
      lines.push(`M 100644 inline apps/a${i % 100}/cm-${i}.yaml`, `data ${Buffer.byteLength(text)}`, text);
    }
    run(big, ['fast-import', '--quiet'], `${lines.join('\n')}\n`);
    const started = performance.now();
    const { files, skipped } = await readTree(big, 'main');
    console.log(`readTree: 10,000 files in ${Math.round(performance.now() - started)} ms`);
    expect(skipped).toEqual([]);
    expect(files).toHaveLength(10_000);
    expect(files.find((f) => f.path === 'apps/a7/cm-4207.yaml')!.text).toContain('data: { i: "4207" }');
  });
});

describe('describeCheckout', () => {
  it('names root, HEAD, branch and every uncommitted path (renames once, spaces kept, untracked folders as the folder)', async () => {
    const dir = tempRepo();
    write(dir, 'a.yaml', 'a: 1\n');
    write(dir, 'old name.yaml', 'o: 1\n');
    write(dir, 'sub/b.yaml', 'b: 1\n');
    run(dir, ['add', '-A']);
    run(dir, ['commit', '-q', '-m', 'one']);
    const head = run(dir, ['rev-parse', 'HEAD']).trim();
    expect(await describeCheckout(join(dir, 'sub'))).toEqual({ root: realpathSync(dir), head, branch: 'main', uncommitted: [] });
    run(dir, ['mv', 'old name.yaml', 'new name.yaml']);
    write(dir, 'a.yaml', 'a: 2\n');
    write(dir, 'drafts/x.yaml', 'x: 1\n');
    write(dir, 'drafts/y.yaml', 'y: 1\n');
    run(dir, ['checkout', '-q', '--detach']);
    const state = await describeCheckout(join(dir, 'sub'));
    expect(state).toEqual({ root: realpathSync(dir), head, uncommitted: ['a.yaml', 'drafts/', 'new name.yaml'] });
  });

  it('refuses a folder outside git and a repository without commits, saying what to pass', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'courier-not-git-'));
    roots.push(empty);
    await expect(describeCheckout(empty)).rejects.toThrow(/not inside a git repository/);
    await expect(describeCheckout(tempRepo())).rejects.toThrow(/at least one commit/);
  });
});

describe('commitToBranch', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempRepo();
    run(dir, ['config', 'core.autocrlf', 'true']);
    write(dir, 'apps/app/deploy.yaml', 'image: app:1.0.0\n');
    write(dir, 'apps/app/old.yaml', 'gone: soon\n');
    write(dir, 'scripts/run.yaml', 'x: 1\n');
    chmodSync(join(dir, 'scripts/run.yaml'), 0o755);
    run(dir, ['add', '-A']);
    run(dir, ['commit', '-q', '-m', 'base']);
    // A dirty checkout: staged and unstaged changes that must survive.
    write(dir, 'apps/app/deploy.yaml', 'image: app:local-edit\n');
    write(dir, 'staged.yaml', 'staged: true\n');
    run(dir, ['add', 'staged.yaml']);
    write(dir, 'untracked.txt', 'u\n');
  });

  it('creates one commit on a new branch without touching HEAD, index or working tree', async () => {
    const before = snapshot(dir);
    const base = before.head.trim();
    const edits = [
      { path: 'apps/app/deploy.yaml', after: 'image: app:2.0.0\r\n' },
      { path: 'apps/app/old.yaml', after: null },
      { path: 'scripts/run.yaml', after: 'x: 2\n' },
      { path: 'clusters/new dir/new.yaml', after: 'new: file\n' },
    ];
    const result = await commitToBranch(dir, {
      branch: 'courier/image/dev/app',
      message: 'Update app to 2.0.0\n\nBody line.',
      edits,
      author: { name: 'Courier Bot', email: 'bot@example.com' },
      date: new Date('2026-01-02T03:04:05Z'),
    });
    expect(snapshot(dir)).toEqual(before);

    expect(result.branch).toBe('courier/image/dev/app');
    expect(run(dir, ['rev-parse', 'courier/image/dev/app']).trim()).toBe(result.commit);
    expect(run(dir, ['rev-list', '--parents', '-n', '1', result.commit]).trim()).toBe(`${result.commit} ${base}`);
    expect(run(dir, ['diff', '--name-status', base, result.commit]).trim().split('\n').sort()).toEqual([
      'A\tclusters/new dir/new.yaml',
      'D\tapps/app/old.yaml',
      'M\tapps/app/deploy.yaml',
      'M\tscripts/run.yaml',
    ]);
    // Exact bytes, CRLF included, despite core.autocrlf.
    expect(run(dir, ['cat-file', 'blob', `${result.commit}:apps/app/deploy.yaml`])).toBe('image: app:2.0.0\r\n');
    expect(run(dir, ['ls-tree', result.commit, 'scripts/run.yaml'])).toMatch(/^100755 /);
    expect(run(dir, ['ls-tree', result.commit, 'clusters/new dir/new.yaml'])).toMatch(/^100644 /);
    // The committer is always Courier: that is how a later run tells its own commits from someone else's.
    expect(run(dir, ['log', '-1', '--format=%an <%ae>|%cn <%ce>|%aI|%B', result.commit]).trim()).toBe(
      'Courier Bot <bot@example.com>|Courier <courier@localhost>|2026-01-02T03:04:05+00:00|Update app to 2.0.0\n\nBody line.',
    );
    expect(result.action).toBe('created');
  });

  it('replaces an existing Courier branch with one fresh commit, deterministically', async () => {
    const input = { branch: 'courier/image/dev/again', message: 'm', edits: [{ path: 'a.yaml', after: 'a: 1\n' }], date: new Date(0) };
    const first = await commitToBranch(dir, input);
    const second = await commitToBranch(dir, { ...input, edits: [{ path: 'a.yaml', after: 'a: 2\n' }] });
    expect(second.commit).not.toBe(first.commit);
    expect(run(dir, ['rev-list', '--count', `HEAD..${second.commit}`]).trim()).toBe('1');
    const third = await commitToBranch(dir, { ...input, edits: [{ path: 'a.yaml', after: 'a: 2\n' }] });
    expect(third.commit).toBe(second.commit);
  });

  it('commits on top of another parent', async () => {
    const { commit } = await commitToBranch(dir, { branch: 'courier/image/dev/p1', message: 'one', edits: [{ path: 'p.yaml', after: '1\n' }] });
    const next = await commitToBranch(dir, { branch: 'courier/image/dev/p2', parent: commit, message: 'two', edits: [{ path: 'q.yaml', after: '2\n' }] });
    expect(run(dir, ['rev-parse', `${next.commit}^`]).trim()).toBe(commit);
    expect(run(dir, ['cat-file', 'blob', `${next.commit}:p.yaml`])).toBe('1\n');
  });

  it('refuses other branches, the checked-out branch, bad names and unsafe paths', async () => {
    run(dir, ['branch', 'feature']);
    const edits = [{ path: 'x.yaml', after: 'x\n' }];
    await expect(commitToBranch(dir, { branch: 'feature', message: 'm', edits })).rejects.toThrow(/not a Courier branch/);
    await expect(commitToBranch(dir, { branch: 'bad..name', message: 'm', edits })).rejects.toThrow(/not a valid branch name/);
    await expect(commitToBranch(dir, { branch: 'courier/image/dev/x', message: 'm', edits: [{ path: '../x', after: '' }] })).rejects.toThrow(
      /repo-relative/,
    );
    await expect(commitToBranch(dir, { branch: 'courier/image/dev/x', message: 'm', edits: [{ path: '.git/config', after: '' }] })).rejects.toThrow(
      /outside .git/,
    );
    const other = tempRepo();
    write(other, 'a.yaml', 'a\n');
    run(other, ['add', '-A']);
    run(other, ['commit', '-q', '-m', 'a']);
    run(other, ['checkout', '-q', '-b', 'courier/image/dev/app']);
    await expect(commitToBranch(other, { branch: 'courier/image/dev/app', message: 'm', edits })).rejects.toThrow(/checked out/);
  });
  it('works on the given repository even inside a git hook, whose GIT_DIR and GIT_INDEX_FILE name another', async () => {
    const other = tempRepo();
    write(other, 'a.yaml', 'a: 1\n');
    run(other, ['add', '-A']);
    run(other, ['commit', '-q', '-m', 'a']);
    const saved = { GIT_DIR: process.env.GIT_DIR, GIT_INDEX_FILE: process.env.GIT_INDEX_FILE };
    // What git exports to hooks and `rebase --exec` commands: the repository the hook runs for.
    process.env.GIT_DIR = join(dir, '.git');
    process.env.GIT_INDEX_FILE = join(dir, '.git/index');
    try {
      expect((await readTree(other)).files).toEqual([{ path: 'a.yaml', text: 'a: 1\n' }]);
      const result = await commitToBranch(other, { branch: 'courier/image/dev/hook', message: 'm', edits: [{ path: 'a.yaml', after: 'a: 2\n' }] });
      expect(run(other, ['show', `${result.commit}:a.yaml`])).toBe('a: 2\n');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
