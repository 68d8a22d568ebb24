import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { releaseFromDispatch } from '../../src/handlers/dispatch-release.ts';
import { releasesFromPackageEvent } from '../../src/handlers/package-release.ts';
import { releasesFromSourceRelease } from '../../src/handlers/source-release.ts';
import { validateCourierConfig } from '../../src/core/config/index.ts';
import { example } from '../app/helpers.ts';

const registryPackage = () =>
  JSON.parse(readFileSync(new URL('../app/fixtures/registry_package.published.json', import.meta.url), 'utf8'));
const DIGEST = `sha256:${'a1b2c3d4'.repeat(8)}`;

describe('releasesFromPackageEvent', () => {
  it('reads image, tag, digest and OCI source labels of a GHCR registry_package.published', () => {
    expect(releasesFromPackageEvent(registryPackage())).toEqual({
      releases: [
        {
          repository: 'ghcr.io/acme/app',
          tag: '1.4.2',
          digest: DIGEST,
          source: { url: 'https://github.com/acme/app', revision: '6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b' },
        },
      ],
    });
  });

  it('reads the same package object under package (package.published)', () => {
    const payload = registryPackage();
    const pkg = payload.registry_package;
    delete payload.registry_package;
    pkg.package_version.package_url = 'ghcr.io/Acme/App:2.0.0';
    pkg.package_version.container_metadata.tag.name = '2.0.0';
    expect(releasesFromPackageEvent({ package: pkg }).releases).toMatchObject([{ repository: 'ghcr.io/acme/app', tag: '2.0.0' }]);
  });

  it('falls back to registry host + namespace/name without a package_url', () => {
    const payload = registryPackage();
    delete payload.registry_package.package_version.package_url;
    expect(releasesFromPackageEvent(payload).releases[0]?.repository).toBe('ghcr.io/acme/app');
  });

  it.each([0, 1, 2])('ignores real package.published example %i: package_type npm', (index) => {
    // The examples say package_type npm with ecosystem docker; package_type is the documented field.
    expect(releasesFromPackageEvent(example('package', 'published', index))).toEqual({
      releases: [],
      ignored: 'package hello-world-npm is a npm package, not a container image',
    });
  });

  it('ignores an untagged (digest-only) container push', () => {
    const payload = registryPackage();
    payload.registry_package.package_version.container_metadata.tag.name = '';
    expect(releasesFromPackageEvent(payload).ignored).toMatch(/without a tag/);
  });
});

describe('releaseFromDispatch', () => {
  const dispatch = (client_payload: unknown) => ({ ...example('repository_dispatch'), action: 'courier-image', client_payload });

  it('ignores other dispatch types (the real example is on-demand-test)', () => {
    expect(releaseFromDispatch(example('repository_dispatch')).ignored).toMatch(/"on-demand-test" is not "courier-image"/);
  });

  it('returns the canonical image with tag and digest', () => {
    expect(releaseFromDispatch(dispatch({ image: 'nginx', tag: '1.27.1', digest: DIGEST }))).toEqual({
      releases: [{ repository: 'docker.io/library/nginx', tag: '1.27.1', digest: DIGEST }],
    });
  });

  it('accepts the tag inside the image reference', () => {
    expect(releaseFromDispatch(dispatch({ image: 'ghcr.io/acme/app:3.1.0' })).releases).toEqual([
      { repository: 'ghcr.io/acme/app', tag: '3.1.0' },
    ]);
  });

  it.each([
    [undefined, /without client_payload/],
    [{ tag: '1' }, /client_payload.image is missing/],
    [{ image: 'Not An Image', tag: '1' }, /client_payload.image: invalid image reference/],
    [{ image: 'ghcr.io/acme/app' }, /client_payload.tag undefined is not a valid tag/],
    [{ image: 'ghcr.io/acme/app', tag: '-bad' }, /is not a valid tag/],
    [{ image: 'ghcr.io/acme/app:1', tag: '2' }, /carries tag "1" but client_payload.tag is "2"/],
    [{ image: 'ghcr.io/acme/app', tag: '1', digest: 'md5:abc' }, /digest "md5:abc" is not sha256/],
  ])('rejects client_payload %j with a message saying what to fix', (payload, message) => {
    const result = releaseFromDispatch(dispatch(payload));
    expect(result.releases).toEqual([]);
    expect(result.ignored).toMatch(message);
  });
});

describe('releasesFromSourceRelease', () => {
  const config = (source: string) => ({
    environments: [{ name: 'dev', clusters: ['c'], paths: ['**'] }],
    images: [{ repository: 'ghcr.io/codertocat/hello-world', source: { repository: source } }, { repository: 'ghcr.io/other/x' }],
  });

  it.each(['Codertocat/Hello-World', 'codertocat/hello-world'])(
    'maps the real release.published example to the image built from %s',
    (source) => {
      expect(releasesFromSourceRelease(example('release', 'published'), config(source))).toEqual({
        releases: [
          {
            repository: 'ghcr.io/codertocat/hello-world',
            tag: '0.0.1',
            source: {
              url: 'https://github.com/Codertocat/Hello-World',
              revision: '0.0.1',
              releaseNotesUrl: 'https://github.com/Codertocat/Hello-World/releases/tag/0.0.1',
            },
          },
        ],
      });
    },
  );

  it('yields nothing when no image is built from the released repository', () => {
    const result = releasesFromSourceRelease(example('release', 'published'), config('acme/other'));
    expect(result.releases).toEqual([]);
    expect(result.ignored).toMatch(/Codertocat\/Hello-World/);
  });
});

describe('images[].source.repository', () => {
  it('is owner/repo only: a URL is a config problem with its path, not a silently unmatched source', () => {
    const result = validateCourierConfig({
      environments: [{ name: 'dev', paths: ['**'] }],
      images: [{ repository: 'ghcr.io/acme/app', source: { repository: 'https://github.com/acme/app.git' } }],
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => p.path)).toEqual(['images[0].source.repository']);
  });
});
