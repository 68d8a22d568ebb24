import { describe, expect, it } from 'vitest';
import { RegistryAuthError, RegistryUnavailable } from '../../src/registry/errors.ts';
import { pollImages } from '../../src/registry/poller.ts';

const now = () => new Date('2026-11-21T12:00:00Z');

describe('pollImages', () => {
  const registry: Record<string, string[] | Error> = {
    'ghcr.io/acme/app': ['1.0.0', '1.1.0', '1.2.0'],
    'docker.io/library/nginx': ['1.27', '1.28'],
    'ghcr.io/acme/down': new RegistryUnavailable('503', 'ghcr.io/acme/down'),
    'ghcr.io/acme/private': new RegistryAuthError('denied', 'ghcr.io/acme/private'),
  };
  const listTags = async (repository: string) => {
    const answer = registry[repository];
    if (answer instanceof Error) throw answer;
    return answer ?? [];
  };

  it('reports tags not seen before and returns the state to pass in next time', async () => {
    const result = await pollImages(
      [
        { repository: 'ghcr.io/acme/app', currentTags: ['1.0.0', '1.1.0'] },
        { repository: 'docker.io/library/nginx' },
      ],
      { listTags, now },
    );
    expect(result.releases).toEqual([
      { repository: 'ghcr.io/acme/app', tag: '1.2.0' },
      { repository: 'docker.io/library/nginx', tag: '1.27' },
      { repository: 'docker.io/library/nginx', tag: '1.28' },
    ]);
    expect(result.state).toEqual([
      { repository: 'ghcr.io/acme/app', tags: ['1.0.0', '1.1.0', '1.2.0'], checkedAt: '2026-11-21T12:00:00.000Z' },
      { repository: 'docker.io/library/nginx', tags: ['1.27', '1.28'], checkedAt: '2026-11-21T12:00:00.000Z' },
    ]);
    expect(result.failures).toEqual([]);

    const again = await pollImages(
      result.state.map((s) => ({ repository: s.repository, currentTags: s.tags })),
      { listTags, now },
    );
    expect(again.releases).toEqual([]);
  });

  it('isolates registry failures per image and says which are transient', async () => {
    const result = await pollImages(
      [{ repository: 'ghcr.io/acme/down', currentTags: ['1'] }, { repository: 'ghcr.io/acme/private' }, { repository: 'ghcr.io/acme/app' }],
      { listTags, now, concurrency: 1 },
    );
    expect(result.failures.map((f) => [f.repository, f.transient])).toEqual([
      ['ghcr.io/acme/down', true],
      ['ghcr.io/acme/private', false],
    ]);
    expect(result.state.map((s) => s.repository)).toEqual(['ghcr.io/acme/app']);
    expect(result.releases).toHaveLength(3);
  });

  it('throws what is not a registry error (a bug must not look like an outage)', async () => {
    const broken = async () => {
      throw new TypeError('boom');
    };
    await expect(pollImages([{ repository: 'ghcr.io/acme/app' }], { listTags: broken, now })).rejects.toThrow('boom');
  });
});
