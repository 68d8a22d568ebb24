import { describe, expect, it } from 'vitest';
import { parseNextLink, parseRetryAfter, parseWwwAuthenticate } from '../../src/registry/http-headers.ts';

describe('parseWwwAuthenticate', () => {
  it('keeps commas inside quoted values and reads several challenges', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/app:pull,push", Basic realm="x y"',
      ),
    ).toEqual([
      { scheme: 'bearer', params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:acme/app:pull,push' } },
      { scheme: 'basic', params: { realm: 'x y' } },
    ]);
  });

  it('accepts unquoted values, spaces and escapes', () => {
    expect(parseWwwAuthenticate('bearer  Realm = https://a/t , service=svc, error="say \\"hi\\""')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://a/t', service: 'svc', error: 'say "hi"' } },
    ]);
    expect(parseWwwAuthenticate('')).toEqual([]);
  });
});

describe('parseNextLink', () => {
  it('finds rel="next" among several links, relative or absolute', () => {
    expect(parseNextLink('</v2/a/tags/list?n=2&last=b>; rel="next"')).toBe('/v2/a/tags/list?n=2&last=b');
    expect(parseNextLink('<https://r/v2/a?p=0>; rel="prev", <https://r/v2/a?p=2>; rel=next')).toBe('https://r/v2/a?p=2');
    expect(parseNextLink('<https://r/x>; type="a"; rel="first next"')).toBe('https://r/x');
    expect(parseNextLink('<https://r/x>; rel="prev"')).toBeUndefined();
    expect(parseNextLink(null)).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates relative to now', () => {
    const now = Date.parse('2026-11-21T10:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sat, 21 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
