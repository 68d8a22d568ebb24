import { describe, expect, it } from 'vitest';
import { InvalidImageRefError, parseImageRef, sameRepository } from '../../../src/core/image-update/image-ref.ts';

describe('parseImageRef', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx', undefined, undefined],
    ['nginx:1.25', 'docker.io/library/nginx', '1.25', undefined],
    ['library/nginx:1.25', 'docker.io/library/nginx', '1.25', undefined],
    ['index.docker.io/library/nginx', 'docker.io/library/nginx', undefined, undefined],
    ['bitnami/redis:7.2.4-debian-12-r0', 'docker.io/bitnami/redis', '7.2.4-debian-12-r0', undefined],
    ['ghcr.io/acme/app:v1.2.3', 'ghcr.io/acme/app', 'v1.2.3', undefined],
    ['localhost:5000/team/app:1', 'localhost:5000/team/app', '1', undefined],
    ['localhost/app', 'localhost/app', undefined, undefined],
    ['registry.example.com:8443/a/b/c:2.0.0', 'registry.example.com:8443/a/b/c', '2.0.0', undefined],
    [
      'ghcr.io/acme/app:1.0.0@sha256:' + 'a'.repeat(64),
      'ghcr.io/acme/app',
      '1.0.0',
      'sha256:' + 'a'.repeat(64),
    ],
    ['ghcr.io/acme/app@sha256:' + 'b'.repeat(64), 'ghcr.io/acme/app', undefined, 'sha256:' + 'b'.repeat(64)],
  ])('%s', (text, repository, tag, digest) => {
    const ref = parseImageRef(text);
    expect(ref.repository).toBe(repository);
    expect(ref.tag).toBe(tag);
    expect(ref.digest).toBe(digest);
  });

  it('keeps the name as written', () => {
    expect(parseImageRef('nginx:1').name).toBe('nginx');
  });

  it.each([
    ['', 'empty'],
    ['Nginx:1', 'lowercase'],
    ['ghcr.io/acme/app:', 'tag'],
    ['ghcr.io/acme/app:-bad', 'tag'],
    ['ghcr.io/acme/app@sha256:abc', '64'],
    ['ghcr.io/acme//app', 'path component'],
    ['ghcr.io/acme/app name', 'white space'],
    ['ghcr.io/acme/a--b_', 'path component'],
  ])('rejects %j with a reason', (text, reason) => {
    expect(() => parseImageRef(text)).toThrow(InvalidImageRefError);
    expect(() => parseImageRef(text)).toThrow(reason);
  });
});

describe('sameRepository', () => {
  it('compares canonical names', () => {
    expect(sameRepository('nginx', 'docker.io/library/nginx:1.25')).toBe(true);
    expect(sameRepository('ghcr.io/acme/app:1', 'ghcr.io/acme/app@sha256:' + 'c'.repeat(64))).toBe(true);
    expect(sameRepository('ghcr.io/acme/app', 'ghcr.io/acme/other')).toBe(false);
    expect(sameRepository('not valid!', 'not valid!')).toBe(false);
  });
});
