import { describe, expect, it } from 'vitest';
import { mightReference, releaseScreen } from '../../../src/core/image-update/index.ts';
import type { Release } from '../../../src/core/image-update/release.ts';

const release = (repository: string): Release => ({ repository, tag: '1.0.0' });
const releases = [release('ghcr.io/acme/svc-1'), release('ghcr.io/acme/svc-10'), release('docker.io/library/nginx'), release('ghcr.io/acme/app')];
const names = (found: Release[]) => found.map((r) => r.repository);
const releasesReferenced = (text: string, list: Release[]) => releaseScreen(list)(text);

describe('releaseScreen', () => {
  it('finds every release a file names, in one scan, with whole-word names', () => {
    expect(names(releasesReferenced('image: ghcr.io/acme/svc-10:2\nother: nginx:1.25\n', releases))).toEqual(['ghcr.io/acme/svc-10', 'docker.io/library/nginx']);
    expect(names(releasesReferenced('apiVersion: apps/v1\nimage: ghcr.io/acme/svc-1@sha256:x\n', releases))).toEqual(['ghcr.io/acme/svc-1']);
    expect(releasesReferenced('kind: Deployment\nname: apps\n', releases)).toEqual([]);
    expect(releasesReferenced('image: ghcr.io/acme/app:1\n', [])).toEqual([]);
  });

  it('gives every release to files with markers or postBuild variables, which the name screen cannot judge', () => {
    expect(releasesReferenced('image: x:1 # {"$imagepolicy": "ns:p"}\n', releases)).toHaveLength(4);
    expect(releasesReferenced('image: ${IMAGE}\n', releases)).toHaveLength(4);
  });

  it('agrees with mightReference release by release', () => {
    const texts = ['image: ghcr.io/acme/app:1\n', 'repository: acme/app\ntag: 2\n', 'image: "nginx"\n', 'x: [svc-1, svc-10]\n', 'apps: 1\n'];
    for (const text of texts) {
      expect(names(releasesReferenced(text, releases))).toEqual(names(releases.filter((r) => mightReference(text, r))));
    }
  });
});
