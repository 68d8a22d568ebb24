import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Proposal } from '../../src/core/proposal/proposal.ts';
import { publishLocal } from '../../src/local/publish-local.ts';
import { fixtureEnv } from '../git/git-fixtures.ts';

const run = (dir: string, args: string[]) => execFileSync('git', args, { cwd: dir, env: fixtureEnv, encoding: 'utf8' });
const roots: string[] = [];
afterAll(() => roots.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'courier-publish-local-'));
  roots.push(dir);
  run(dir, ['init', '-q', '-b', 'main']);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  run(dir, ['add', '-A']);
  run(dir, ['commit', '-qm', 'base']);
  return dir;
}

/** A two-step proposal shaped like a key rotation: step 1 adds, step 2 rewrites and deletes. */
function twoCommitProposal(): Proposal {
  return {
    kind: 'rotation',
    environment: 'all',
    subject: 'age',
    branch: 'courier/rotate-keys/all/age',
    title: 'Rotate keys',
    body: 'body',
    labels: [],
    reviewers: [],
    teamReviewers: [],
    autoMerge: false,
    commits: [
      { message: 'step 1: add the new recipient', edits: [{ path: 'a.yaml', before: 'a: 1\n', after: 'a: 2\n' }, { path: 'new.yaml', before: null, after: 'n: 1\n' }] },
      { message: 'step 2: drop the old key', edits: [{ path: 'a.yaml', before: 'a: 2\n', after: 'a: 3\n' }, { path: 'old.yaml', before: 'o: 1\n', after: null }] },
    ],
    changeSet: { edits: [], changes: [], warnings: [] },
    metadata: { version: 1, kind: 'rotation', environment: 'all', subject: 'age' },
  };
}

describe('publishLocal', () => {
  it('writes every commit of a proposal, in order, on its branch, leaving HEAD and the working tree alone', async () => {
    const dir = repo({ 'a.yaml': 'a: 1\n', 'old.yaml': 'o: 1\n' });
    const head = run(dir, ['rev-parse', 'HEAD']).trim();
    const written = await publishLocal(dir, twoCommitProposal(), { date: new Date(0) });
    expect(written?.action).toBe('created');
    expect(run(dir, ['log', '--format=%s', `${head}..courier/rotate-keys/all/age`]).trim().split('\n')).toEqual(['step 2: drop the old key', 'step 1: add the new recipient']);
    const first = run(dir, ['rev-parse', 'courier/rotate-keys/all/age^']).trim();
    expect(run(dir, ['rev-parse', `${first}^`]).trim()).toBe(head);
    expect(run(dir, ['show', `${first}:a.yaml`])).toBe('a: 2\n');
    expect(run(dir, ['show', `${first}:new.yaml`])).toBe('n: 1\n');
    expect(run(dir, ['show', `${first}:old.yaml`])).toBe('o: 1\n');
    expect(run(dir, ['show', 'courier/rotate-keys/all/age:a.yaml'])).toBe('a: 3\n');
    expect(run(dir, ['ls-tree', '--name-only', 'courier/rotate-keys/all/age']).trim().split('\n')).toEqual(['a.yaml', 'new.yaml']);
    expect(run(dir, ['rev-parse', 'HEAD']).trim()).toBe(head);
    expect(run(dir, ['status', '--porcelain']).trim()).toBe('');
  });

  it('writes nothing for a proposal without commits', async () => {
    const dir = repo({ 'a.yaml': 'a: 1\n' });
    expect(await publishLocal(dir, { ...twoCommitProposal(), commits: [] })).toBeUndefined();
    expect(run(dir, ['branch', '--list', 'courier/*']).trim()).toBe('');
  });

  it('re-running the same proposal rebuilds the same commits', async () => {
    const dir = repo({ 'a.yaml': 'a: 1\n', 'old.yaml': 'o: 1\n' });
    const first = await publishLocal(dir, twoCommitProposal(), { date: new Date(0) });
    const again = await publishLocal(dir, twoCommitProposal(), { date: new Date(0) });
    expect(again?.commit).toBe(first?.commit);
    expect(again?.action).toBe('updated');
  });
});
