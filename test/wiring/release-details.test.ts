import { describe, expect, it } from 'vitest';
import { RegistryUnavailable } from '../../src/registry/errors.ts';
import { releaseDetails } from '../../src/wiring/release-details.ts';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const silent = { info: () => undefined };

describe('releaseDetails', () => {
  it('adds the digest and the OCI source labels a release event left out, keeping what the event said', async () => {
    const asked: unknown[] = [];
    const describe = releaseDetails(
      {
        getManifestInfo: async (repository, tag, options) => {
          asked.push([repository, tag, options]);
          return { digest: DIGEST, source: { url: 'https://github.com/acme/app', revision: 'abc123' } };
        },
      },
      silent,
    );
    expect(await describe({ repository: 'ghcr.io/acme/app', tag: '1.2.0' })).toEqual({
      repository: 'ghcr.io/acme/app',
      tag: '1.2.0',
      digest: DIGEST,
      source: { url: 'https://github.com/acme/app', revision: 'abc123' },
    });
    expect(asked).toEqual([['ghcr.io/acme/app', '1.2.0', { labels: true }]]);
    const fromRelease = await describe({ repository: 'ghcr.io/acme/app', tag: '1.2.0', source: { url: 'https://github.com/acme/app', releaseNotesUrl: 'https://github.com/acme/app/releases/1.2.0' } });
    expect(fromRelease.source).toEqual({ url: 'https://github.com/acme/app', revision: 'abc123', releaseNotesUrl: 'https://github.com/acme/app/releases/1.2.0' });
    expect(asked[1]).toEqual(['ghcr.io/acme/app', '1.2.0', { labels: false }]);
  });

  it('asks nothing when the release is complete, and leaves it as it was when the registry is down', async () => {
    let calls = 0;
    const down = releaseDetails(
      {
        getManifestInfo: async () => {
          calls++;
          throw new RegistryUnavailable('connection refused', 'ghcr.io/acme/app');
        },
      },
      silent,
    );
    const complete = { repository: 'ghcr.io/acme/app', tag: '1.2.0', digest: DIGEST, source: { url: 'https://github.com/acme/app' } };
    expect(await down(complete)).toBe(complete);
    expect(calls).toBe(0);
    expect(await down({ repository: 'ghcr.io/acme/app', tag: '1.2.0' })).toEqual({ repository: 'ghcr.io/acme/app', tag: '1.2.0' });
    expect(calls).toBe(1);
  });
});
