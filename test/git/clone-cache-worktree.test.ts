import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloneCache } from '../../src/git/clone-cache.ts';
import { git, makeRemote, tempDir } from './git-fixtures.ts';
import { handle } from './clone-cache-helpers.ts';
import { checkoutModeSuite } from './checkout-mode-suite.ts';

describe('CloneCache (worktree mode)', () => checkoutModeSuite('worktree'));

describe('CloneCache worktrees', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => {
    tmp = tempDir('courier-clone-cache-');
  });
  afterEach(() => tmp.cleanup());

  it('removes the worktree after the job, even when the job throws', async () => {
    const remote = makeRemote(tmp.dir, 'app', { 'a.yaml': 'a\n' });
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache'), mode: 'worktree' });
    let dir = '';
    await expect(
      cache.withCheckout(handle(remote.url), undefined, async (co) => {
        dir = co.dir;
        expect(readFileSync(path.join(co.dir, 'a.yaml'), 'utf8')).toBe('a\n');
        throw new Error('job failed');
      }),
    ).rejects.toThrow('job failed');
    expect(existsSync(dir)).toBe(false);
    expect(git(path.join(tmp.dir, 'cache', 'local', 'acme', 'app.git'), 'worktree', 'list')).not.toContain(dir);
  });
});
