/**
 * `courier stage` and `courier rollout` on the rollout fleet: exact bytes of every step, HEAD left
 * alone, and (with kubectl) after every step every cluster still builds and only the intended
 * cluster changes what it applies.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { appliedAt, git, hasKubectl, ROLLOUT_CLUSTERS, ROLLOUT_FLEET, rolloutRepo } from '../support/rollout-fleet.ts';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'courier-rollout-'));
  temps.push(d);
  return d;
};

async function courier(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err };
}

const fixture = (path: string): string => readFileSync(join(ROLLOUT_FLEET, path), 'utf8');

/** A branch `change` that bumps the frontend's tag in the shared folder. */
function makeChange(dir: string): string {
  git(dir, 'checkout', '--quiet', '-b', 'change');
  const file = join(dir, 'apps/frontend/kustomization.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('newTag: 6.1.0', 'newTag: 6.2.0'));
  git(dir, 'commit', '--quiet', '-am', 'frontend 6.2.0');
  git(dir, 'checkout', '--quiet', 'main');
  return readFileSync(file, 'utf8').replace('newTag: 6.1.0', 'newTag: 6.2.0');
}

function merge(dir: string, branch: string): string {
  git(dir, 'merge', '--quiet', '--ff-only', branch);
  return git(dir, 'rev-parse', 'HEAD');
}

function changedFiles(dir: string, branch: string): string[] {
  return git(dir, 'diff', '--name-status', `main...${branch}`).split('\n').filter(Boolean);
}

describe('courier stage and courier rollout walk the whole rollout', () => {
  it('stage, three switches in walk order, the deletion, then nothing to do', async () => {
    const dir = rolloutRepo(tmp());
    const changed = makeChange(dir);
    const head = git(dir, 'rev-parse', 'HEAD');
    const applied = [hasKubectl ? appliedAt(dir, 'HEAD') : undefined];

    const staged = await courier('stage', '--repo', dir, '--app', 'frontend', '--from-ref', 'change');
    expect(staged.err).toBe('');
    expect(staged.code).toBe(0);
    expect(staged.out).toContain('created branch courier/rollout/frontend/stage');
    expect(staged.out).toContain('rollout order: staging-1 (staging) → prod-eu (production) → prod-us (production), then delete apps/frontend');
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    // Only new files under the copy; the copy is the change's folder byte for byte, the folder stays.
    expect(changedFiles(dir, 'courier/rollout/frontend/stage')).toEqual(
      ['canary.yaml', 'deployment.patch.yaml', 'deployment.yaml', 'hpa.yaml', 'kustomization.yaml'].map((f) => `A\tapps/frontend-v2/${f}`),
    );
    expect(git(dir, 'show', 'courier/rollout/frontend/stage:apps/frontend-v2/kustomization.yaml') + '\n').toBe(changed);
    expect(git(dir, 'show', 'courier/rollout/frontend/stage:apps/frontend-v2/deployment.yaml') + '\n').toBe(fixture('apps/frontend/deployment.yaml'));
    expect(git(dir, 'show', 'courier/rollout/frontend/stage:apps/frontend/kustomization.yaml') + '\n').toBe(fixture('apps/frontend/kustomization.yaml'));
    applied.push(hasKubectl ? appliedAt(dir, merge(dir, 'courier/rollout/frontend/stage')) : (merge(dir, 'courier/rollout/frontend/stage'), undefined));

    const expected = [
      { cluster: 'staging-1', file: 'clusters/staging-1/frontend.yaml', old: '  path: ./apps/frontend\n', new: '  path: ./apps/frontend-v2\n' },
      { cluster: 'prod-eu', file: 'clusters/prod-eu/frontend.yaml', old: '  path: "./apps/frontend" # shared with every cluster\n', new: '  path: "./apps/frontend-v2" # shared with every cluster\n' },
      { cluster: 'prod-us', file: 'clusters/prod-us/frontend.yaml', old: '  path: apps/frontend/\n', new: '  path: apps/frontend-v2/\n' },
    ];
    for (const [i, step] of expected.entries()) {
      const r = await courier('rollout', '--repo', dir, '--app', 'frontend', '--to', 'apps/frontend-v2');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toContain(`step ${i + 1} of 4: switch ${step.cluster}`);
      const branch = `courier/rollout/frontend/switch-${step.cluster}`;
      expect(r.out).toContain(`created branch ${branch}`);
      expect(changedFiles(dir, branch)).toEqual([`M\t${step.file}`]);
      // The value's bytes and nothing else.
      expect(git(dir, 'show', `${branch}:${step.file}`) + '\n').toBe(fixture(step.file).replace(step.old, step.new));
      applied.push(hasKubectl ? appliedAt(dir, merge(dir, branch)) : (merge(dir, branch), undefined));
    }
    const finish = await courier('rollout', '--repo', dir, '--app', 'frontend', '--to', 'apps/frontend-v2');
    expect(finish.code).toBe(0);
    expect(finish.out).toContain('step 4 of 4: delete apps/frontend');
    expect(changedFiles(dir, 'courier/rollout/frontend/finish')).toEqual(
      ['canary.yaml', 'deployment.patch.yaml', 'deployment.yaml', 'hpa.yaml', 'kustomization.yaml'].map((f) => `D\tapps/frontend/${f}`),
    );
    applied.push(hasKubectl ? appliedAt(dir, merge(dir, 'courier/rollout/frontend/finish')) : (merge(dir, 'courier/rollout/frontend/finish'), undefined));
    const done = await courier('rollout', '--repo', dir, '--app', 'frontend', '--to', 'apps/frontend-v2');
    expect(done.code).toBe(0);
    expect(done.out).toContain('nothing to do: every cluster applies apps/frontend-v2');

    if (!hasKubectl) return;
    // applied[0] before, [1] after the stage, [2..4] after each switch, [5] after the deletion.
    const changes = (a: Map<string, string>, b: Map<string, string>) => ROLLOUT_CLUSTERS.filter((c) => a.get(c) !== b.get(c));
    expect(changes(applied[0]!, applied[1]!)).toEqual([]);
    expect(changes(applied[1]!, applied[2]!)).toEqual(['staging-1']);
    expect(changes(applied[2]!, applied[3]!)).toEqual(['prod-eu']);
    expect(changes(applied[3]!, applied[4]!)).toEqual(['prod-us']);
    expect(changes(applied[4]!, applied[5]!)).toEqual([]);
    // The switched cluster applies the change (the new tag), the others did not before their turn.
    expect(applied[2]!.get('staging-1')).toContain('6.2.0');
    expect(applied[2]!.get('prod-eu')).not.toContain('6.2.0');
  }, 120_000);

  it('the deletion waits while anything still reads the old folder', async () => {
    const dir = rolloutRepo(tmp());
    cpSync(join(dir, 'apps/frontend'), join(dir, 'apps/frontend-v2'), { recursive: true });
    // A hand-made copy, and every cluster switched by hand…
    for (const c of ROLLOUT_CLUSTERS) {
      const file = join(dir, `clusters/${c}/frontend.yaml`);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/apps\/frontend/, 'apps/frontend-v2'));
    }
    // …but an overlay still includes the old folder by path.
    const overlay = join(dir, 'overlays/extra');
    mkdirSync(overlay, { recursive: true });
    writeFileSync(join(overlay, 'kustomization.yaml'), 'resources:\n  - ../../apps/frontend\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '--quiet', '-m', 'by hand');
    const waiting = await courier('rollout', '--repo', dir, '--app', 'frontend', '--to', 'apps/frontend-v2');
    expect(waiting.code).toBe(0);
    expect(waiting.out).toContain('nothing to do yet: every configured cluster applies apps/frontend-v2, but overlays/extra/kustomization.yaml (apps/frontend) still reads apps/frontend: point it elsewhere first');
    expect(git(dir, 'branch', '--list', 'courier/*')).toBe('');
    rmSync(overlay, { recursive: true });
    git(dir, 'add', '-A');
    git(dir, 'commit', '--quiet', '-m', 'overlay gone');
    const finish = await courier('rollout', '--repo', dir, '--app', 'frontend', '--to', 'apps/frontend-v2');
    expect(finish.out).toContain('step 4 of 4: delete apps/frontend');
  });

  it('refuses an unknown app, a missing folder and a folder that does not build, with exit 2', async () => {
    const dir = rolloutRepo(tmp());
    const unknown = await courier('rollout', '--repo', dir, '--app', 'nope', '--to', 'apps/frontend');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('--to apps/frontend is a folder of frontend, not of nope');
    const missing = await courier('rollout', '--repo', dir, '--app', 'frontend', '--to', 'apps/frontend-v9');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--to apps/frontend-v9: no such folder at HEAD');
    mkdirSync(join(dir, 'apps/frontend-v2'));
    writeFileSync(join(dir, 'apps/frontend-v2/kustomization.yaml'), 'resources:\n  - deployment.yaml\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '--quiet', '-m', 'broken copy');
    const broken = await courier('rollout', '--repo', dir, '--app', 'frontend', '--to', 'apps/frontend-v2');
    expect(broken.code).toBe(2);
    expect(broken.err).toContain('apps/frontend-v2/kustomization.yaml reads apps/frontend-v2/deployment.yaml, which does not exist: apps/frontend-v2 would not build');
    expect(git(dir, 'branch', '--list', 'courier/*')).toBe('');
    const nothing = await courier('stage', '--repo', dir, '--app', 'frontend', '--from-ref', 'main');
    expect(nothing.code).toBe(2);
    expect(nothing.err).toContain('the change edits nothing in apps/frontend');
  });
});
