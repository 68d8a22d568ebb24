import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitCommandError } from '../../src/git/git-error.ts';
import { CatFileBatch, runGit, type GitProcessOptions } from '../../src/git/git-process.ts';
import { readBlobs } from '../../src/git/tree-reader.ts';
import { fixtureEnv, git, makeRemote, tempDir } from './git-fixtures.ts';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir('courier-git-process-');
});
afterEach(() => tmp.cleanup());

const failure = (p: Promise<unknown>): Promise<Error> =>
  p.then(
    () => new Error('expected a failure'),
    (e: unknown) => e as Error,
  );

describe('runGit', () => {
  it('collects stdout and feeds stdin', async () => {
    const remote = makeRemote(tmp.dir, 'app', { 'a.yaml': 'a: 1\n' });
    const out = await runGit(['hash-object', '--stdin'], { cwd: remote.bare, env: fixtureEnv, secrets: [], input: 'a: 1\n' });
    expect(out.toString('utf8').trim()).toBe(git(remote.bare, 'rev-parse', 'HEAD:a.yaml'));
  });

  it('turns a failure into a GitCommandError with every secret redacted', async () => {
    const remote = makeRemote(tmp.dir, 'app', { 'a.yaml': 'a: 1\n' });
    const secret = 'ghs_SecretTokenInAnErrorMessage';
    const err = await failure(runGit(['cat-file', '-p', `${secret}:a.yaml`], { cwd: remote.bare, env: fixtureEnv, secrets: [secret] }));
    expect(err).toBeInstanceOf(GitCommandError);
    expect((err as GitCommandError).command).toBe('cat-file');
    expect(err.message).toContain('***');
    expect(err.message).not.toContain(secret);
  });

  it('rejects when git cannot be started', async () => {
    const err = await failure(runGit(['version'], { cwd: path.join(tmp.dir, 'gone'), env: fixtureEnv, secrets: [] }));
    expect(err).toBeInstanceOf(GitCommandError);
    expect(err.message).toMatch(/ENOENT/);
  });
});

describe('CatFileBatch', () => {
  it('answers sizes and contents of many objects from one process', async () => {
    const remote = makeRemote(tmp.dir, 'app', { 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 22\n' });
    const opts: GitProcessOptions = { cwd: remote.bare, env: fixtureEnv, secrets: [] };
    const [a, b] = ['a.yaml', 'b.yaml'].map((f) => git(remote.bare, 'rev-parse', `HEAD:${f}`));
    const batch = new CatFileBatch(opts);
    const infos = await batch.ask([a!, '0'.repeat(40), b!], false);
    expect(infos.map((i) => [i.type, i.size])).toEqual([
      ['blob', 5],
      ['missing', 0],
      ['blob', 6],
    ]);
    const contents = await batch.ask([b!, a!], true);
    expect(contents.map((c) => c.body?.toString('utf8'))).toEqual(['b: 22\n', 'a: 1\n']);
    await batch.close();
  });

  it('rejects, instead of crashing the process, when git cannot be started', async () => {
    const opts: GitProcessOptions = { cwd: path.join(tmp.dir, 'gone'), env: fixtureEnv, secrets: [] };
    const blob = { mode: '100644', type: 'blob', oid: 'a'.repeat(40), path: 'a.yaml' };
    const err = await failure(readBlobs([blob], opts));
    expect(err).toBeInstanceOf(GitCommandError);
    expect(err.message).toMatch(/ENOENT/);
    // A request after the process is gone fails at once rather than waiting forever.
    const batch = new CatFileBatch(opts);
    await expect(batch.ask(['a'.repeat(40)], false)).rejects.toThrow(GitCommandError);
    await expect(batch.ask(['a'.repeat(40)], false)).rejects.toThrow(GitCommandError);
  });
});
