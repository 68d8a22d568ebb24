import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloneCache } from '../../src/git/clone-cache.ts';
import { basicAuthHeader } from '../../src/git/git-auth.ts';
import { GitCommandError } from '../../src/git/git-error.ts';
import { startGitHttpServer } from './git-http-server.ts';
import { git, makeRemote, tempDir } from './git-fixtures.ts';
import { allFiles, handle, readAll } from './clone-cache-helpers.ts';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir('courier-clone-cache-');
});
afterEach(() => tmp.cleanup());

describe('CloneCache over smart HTTP with an installation token', () => {
  it('sends the token per command and never writes or leaks it', async () => {
    const token = 'ghs_TopSecretInstallationToken0123456789';
    const remote = makeRemote(tmp.dir, 'app', { 'a.yaml': 'a: 1\n' });
    const server = await startGitHttpServer(tmp.dir, basicAuthHeader(token));
    const logs: string[] = [];
    const root = path.join(tmp.dir, 'cache');
    const cache = new CloneCache({ root, log: (msg, fields) => logs.push(msg + JSON.stringify(fields)) });
    try {
      const url = `${server.url}/app.git`;
      const first = await cache.withCheckout(handle(url, 'app', token), undefined, readAll);
      expect(first.files).toEqual([{ path: 'a.yaml', text: 'a: 1\n' }]);
      remote.commit({ 'a.yaml': 'a: 2\n' });
      const second = await cache.withCheckout(handle(url, 'app', token), undefined, readAll);
      expect(second.files).toEqual([{ path: 'a.yaml', text: 'a: 2\n' }]);
      expect(server.authHeaders.length).toBeGreaterThan(3);
      expect(server.authHeaders.every((h) => h === basicAuthHeader(token))).toBe(true);

      // Without the token the server refuses, and nothing prompts for credentials.
      await expect(cache.withCheckout(handle(url, 'app'), undefined, readAll)).rejects.toThrow(GitCommandError);

      // git's stderr names the URL; a URL that contains the token is redacted in the thrown error.
      const leaky = await cache
        .withCheckout(handle(`${server.url}/${token}.git`, 'leaky', token), undefined, readAll)
        .then(
          () => new Error('expected a failure'),
          (e: unknown) => e as Error,
        );
      expect(leaky).toBeInstanceOf(GitCommandError);
      expect(leaky.message).toContain('***');
      expect(leaky.message).not.toContain(token);

      const gitDir = path.join(root, '127.0.0.1_' + new URL(server.url).port, 'acme', 'app.git');
      expect(git(gitDir, 'config', 'remote.origin.url')).toBe(url);
      const secrets = [token, Buffer.from(`x-access-token:${token}`).toString('base64')];
      const files = allFiles(root);
      expect(files.length).toBeGreaterThan(5);
      for (const f of files) {
        if (statSync(f).isFile()) for (const s of secrets) expect(readFileSync(f).includes(s), f).toBe(false);
      }
      for (const s of secrets) expect(logs.join('\n')).not.toContain(s);
    } finally {
      await server.close();
    }
  });
});
