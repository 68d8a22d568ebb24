import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloneCache } from '../../src/git/clone-cache.ts';
import { cacheKey } from '../../src/git/cache-layout.ts';
import { git, makeRemote, missingObjects, tempDir } from './git-fixtures.ts';
import { handle } from './clone-cache-helpers.ts';
import { checkoutModeSuite } from './checkout-mode-suite.ts';

describe('CloneCache (objects mode)', () => checkoutModeSuite('objects'));

describe('CloneCache', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => {
    tmp = tempDir('courier-clone-cache-');
  });
  afterEach(() => tmp.cleanup());

  it('fetches only the blobs the filter asks for, in objects mode', async () => {
    const remote = makeRemote(tmp.dir, 'app', { 'a.yaml': 'a\n', 'b.txt': 'b\n', 'c.yaml': 'c\n' });
    const cache = new CloneCache({ root: path.join(tmp.dir, 'cache') });
    const result = await cache.withCheckout(handle(remote.url), undefined, async (co) => ({
      dir: co.dir,
      ...(await co.readFiles((p) => p.endsWith('.yaml'))),
    }));
    expect(result.files.map((f) => f.path)).toEqual(['a.yaml', 'c.yaml']);
    const bOid = git(remote.bare, 'rev-parse', 'main:b.txt');
    expect(missingObjects(result.dir, 'main')).toEqual([bOid]);
  });

  it('keys caches by host, owner and repository', () => {
    expect(cacheKey(handle('https://github.example.com/Acme/App.git'))).toBe('github.example.com/acme/app');
  });
});
