import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { createExampleRepo } from '../../src/local/demo.ts';
import { fixtureEnv } from '../git/git-fixtures.ts';

function git(dir: string, args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: fixtureEnv, encoding: 'utf8' });
}

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
async function exampleRepo(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'courier-promote-'));
  temps.push(dir);
  return createExampleRepo(dir);
}

async function courier(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err };
}

function snapshot(dir: string) {
  return {
    head: git(dir, ['rev-parse', 'HEAD']),
    symbolic: git(dir, ['symbolic-ref', 'HEAD']),
    status: git(dir, ['status', '--porcelain=v1', '-uall']),
    index: readFileSync(join(dir, '.git/index')).toString('hex'),
  };
}

/** `kubectl kustomize DIR` at a given commit, through a temporary worktree. */
function build(dir: string, commit: string, root: string): string {
  const wt = mkdtempSync(join(tmpdir(), 'courier-promote-wt-'));
  temps.push(wt);
  git(dir, ['worktree', 'add', '--detach', wt, commit]);
  try {
    return execFileSync('kubectl', ['kustomize', join(wt, root)], { encoding: 'utf8' });
  } finally {
    git(dir, ['worktree', 'remove', '--force', wt]);
  }
}

describe('courier promote', () => {
  it('--dry-run prints the versions that would move and writes nothing', async () => {
    const dir = await exampleRepo();
    const before = snapshot(dir);
    const r = await courier('promote', '--repo', dir, '--from', 'dev', '--to', 'prod', '--dry-run');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('image ghcr.io/acme/webapp: 1.3.2 → 1.4.0');
    expect(r.out).toContain('+    newTag: 1.4.0 # {"$imagepolicy": "flux-system:webapp:tag"}');
    expect(snapshot(dir)).toEqual(before);
    expect(git(dir, ['branch', '--list', 'courier/*'])).toBe('');
  });

  it('makes one commit on courier/promote/prod/dev, HEAD/index/worktree untouched, every prod root still builds; a second run has nothing to do', async () => {
    const dir = await exampleRepo();
    const before = snapshot(dir);
    const r = await courier('promote', '--repo', dir, '--from', 'dev', '--to', 'prod');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^created branch courier\/promote\/prod\/dev at [0-9a-f]{40}$/m);
    expect(snapshot(dir)).toEqual(before);
    const branch = 'courier/promote/prod/dev';
    expect(git(dir, ['rev-list', '--count', `HEAD..${branch}`]).trim()).toBe('1');
    expect(git(dir, ['diff', '--name-only', 'HEAD', branch]).trim().split('\n')).toEqual(['apps/webapp/overlays/prod/kustomization.yaml', 'clusters/cloud-prod/podinfo.yaml', 'clusters/cloud-prod/redis.yaml']);
    const built = build(dir, branch, 'apps/webapp/overlays/prod');
    expect(built).toContain('image: ghcr.io/acme/webapp:1.4.0');
    expect(build(dir, 'HEAD', 'apps/webapp/overlays/prod')).toContain('image: ghcr.io/acme/webapp:1.3.2');
    build(dir, branch, 'clusters/cloud-prod');

    git(dir, ['merge', '--ff-only', '-q', branch]);
    const again = await courier('promote', '--repo', dir, '--from', 'dev', '--to', 'prod');
    expect(again.code).toBe(0);
    expect(again.out).toContain('nothing to do');
  });

  it('exits 2 naming the known environments for an unknown one or a step backwards', async () => {
    const dir = await exampleRepo();
    const unknown = await courier('promote', '--repo', dir, '--from', 'dev', '--to', 'staging');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown environment "staging".*dev, prod/);
    const backwards = await courier('promote', '--repo', dir, '--from', 'prod', '--to', 'dev');
    expect(backwards.code).toBe(2);
    expect(backwards.err).toMatch(/does not come after.*dev, prod/);
  });
});

describe('courier status', () => {
  it('prints the inventory per environment and every version that differs', async () => {
    const dir = await exampleRepo();
    const r = await courier('status', '--repo', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^dev:\n(?:.*\n)*?  image ghcr.io\/acme\/webapp 1\.4\.0\n/m);
    expect(r.out).toMatch(/^prod:\n(?:.*\n)*?  image ghcr.io\/acme\/webapp 1\.3\.2\n/m);
    expect(r.out).toContain('dev → prod:\n');
    expect(r.out).toContain('  would move image ghcr.io/acme/webapp: 1.3.2 → 1.4.0\n');
  });
});

describe('courier promote with promotion.folders', () => {
  it('syncs a component folder file by file (non-YAML files too), carries deletions, keeps per-environment files', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { dirname } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'courier-promote-sync-'));
    temps.push(dir);
    const write = (path: string, text: string): void => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    const cm = (name: string, value: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;
    write('.github/courier.yml', 'environments:\n  - name: dev\n    paths: ["overlays/dev/**"]\n  - name: prod\n    paths: ["overlays/prod/**"]\npromotion:\n  folders:\n    - from: overlays/dev/foo\n      to: overlays/prod/foo\n');
    write('overlays/dev/foo/kustomization.yaml', 'resources:\n  - settings.yaml\nconfigMapGenerator:\n  - name: foo-config\n    files:\n      - config.json\n');
    write('overlays/dev/foo/settings.yaml', cm('settings', 'new'));
    write('overlays/dev/foo/config.json', '{"feature": true}\n');
    write('overlays/dev/foo/secret.enc.yaml', 'sops: dev\n');
    write('overlays/prod/foo/kustomization.yaml', 'resources:\n  - settings.yaml\n  - legacy.yaml\n');
    write('overlays/prod/foo/settings.yaml', cm('settings', 'old'));
    write('overlays/prod/foo/legacy.yaml', cm('legacy', 'x'));
    write('overlays/prod/foo/secret.enc.yaml', 'sops: prod\n');
    git(dir, ['init', '-q', '-b', 'main']);
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', 'fleet']);
    const before = snapshot(dir);
    const r = await courier('promote', '--repo', dir, '--from', 'dev', '--to', 'prod');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(snapshot(dir)).toEqual(before);
    const branch = 'courier/promote/prod/dev';
    expect(git(dir, ['diff', '--name-status', 'HEAD', branch]).trim().split('\n')).toEqual([
      'A\toverlays/prod/foo/config.json',
      'M\toverlays/prod/foo/kustomization.yaml',
      'D\toverlays/prod/foo/legacy.yaml',
      'M\toverlays/prod/foo/settings.yaml',
    ]);
    expect(git(dir, ['show', `${branch}:overlays/prod/foo/secret.enc.yaml`])).toBe('sops: prod\n');
    expect(build(dir, branch, 'overlays/prod/foo')).toContain('feature');
    git(dir, ['merge', '--ff-only', '-q', branch]);
    const again = await courier('promote', '--repo', dir, '--from', 'dev', '--to', 'prod');
    expect(again.out).toContain('nothing to do');
  });
});
