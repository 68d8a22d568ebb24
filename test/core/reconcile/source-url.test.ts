import { describe, expect, it } from 'vitest';
import { parseGitUrl } from '../../../src/core/reconcile/source-url.ts';

describe('parseGitUrl', () => {
  it.each([
    ['https://github.com/acme/fleet', 'github.com', 'acme', 'fleet'],
    ['https://github.com/acme/fleet.git', 'github.com', 'acme', 'fleet'],
    ['https://github.com/acme/fleet/', 'github.com', 'acme', 'fleet'],
    ['https://x-access-token@GitHub.com/acme/fleet.git', 'github.com', 'acme', 'fleet'],
    ['http://ghe.example.com:8080/acme/fleet', 'ghe.example.com:8080', 'acme', 'fleet'],
    ['ssh://git@github.com/acme/fleet', 'github.com', 'acme', 'fleet'],
    ['ssh://git@ghe.example.com:2222/acme/fleet', 'ghe.example.com:2222', 'acme', 'fleet'],
    ['git@github.com:acme/fleet.git', 'github.com', 'acme', 'fleet'],
    ['github.com:acme/fleet', 'github.com', 'acme', 'fleet'],
    ['github.com/acme/fleet', 'github.com', 'acme', 'fleet'],
    ['https://gitlab.com/group/sub/fleet.git', 'gitlab.com', 'group/sub', 'fleet'],
  ])('%s', (url, host, owner, repo) => {
    expect(parseGitUrl(url)).toEqual({ url, host, owner, repo });
  });

  it.each(['', 'not a url', 'https://github.com/acme', 'https://github.com/', 'oci://ghcr.io', 'https://github.com/acme/fle%zzet', undefined])(
    'rejects %s',
    (url) => {
      expect(parseGitUrl(url)).toBeUndefined();
    },
  );
});
