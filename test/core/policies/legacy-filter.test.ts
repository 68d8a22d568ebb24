import { describe, expect, it } from 'vitest';
import { policyFromLegacyFilter } from '../../../src/core/policies/legacy-filter.ts';
import { PolicyError } from '../../../src/core/policies/tag-policy.ts';

describe('policyFromLegacyFilter (Flux v1 filter annotations)', () => {
  it('semver: uses the Flux v2 semver policy', () => {
    const p = policyFromLegacyFilter('semver:~1.2');
    expect(p.accepts('1.2.9')).toBe(true);
    expect(p.accepts('1.3.0')).toBe(false);
    expect(p.select(['1.2.0', '1.2.10', '1.3.0', '1.2.9'])).toBe('1.2.10');
    expect(p.describe()).toBe('semver "~1.2"');
  });

  it('glob: only * is special and the whole tag must match', () => {
    const p = policyFromLegacyFilter('glob:1.2.*');
    expect(p.accepts('1.2.7')).toBe(true);
    expect(p.accepts('1.20.0')).toBe(false); // the dot is literal
    expect(p.accepts('v1.2.7')).toBe(false); // anchored
    expect(p.select(['1.2.7', '1.2.10', '1.3.0', '1.2.9'])).toBe('1.2.10');
    expect(policyFromLegacyFilter('glob:1.?').accepts('1.0')).toBe(false); // ? is literal in go-glob
  });

  it('a value without prefix is a glob', () => {
    const p = policyFromLegacyFilter('*-alpine');
    expect(p.accepts('1.25.3-alpine')).toBe(true);
    expect(p.accepts('1.25.3')).toBe(false);
    expect(p.select(['1.25.3-alpine', '1.25.4-alpine', '1.26.0'])).toBe('1.25.4-alpine');
  });

  it('regex: and regexp: search unanchored with Go syntax', () => {
    for (const prefix of ['regex:', 'regexp:']) {
      const p = policyFromLegacyFilter(`${prefix}^v?[0-9]+\\.[0-9]+\\.[0-9]+$`);
      expect(p.accepts('v1.2.3')).toBe(true);
      expect(p.accepts('1.2.3-rc.1')).toBe(false);
      expect(p.compare('1.10.0', '1.9.0')).toBeGreaterThan(0);
    }
    expect(policyFromLegacyFilter('regex:[0-9]+\\.[0-9]+').accepts('release-1.2')).toBe(false); // matches, but not a version
  });

  it('matching tags that are not versions cannot be ordered (Flux v1 used image creation time)', () => {
    const p = policyFromLegacyFilter('glob:main-*');
    expect(p.accepts('main-3f2a1bc')).toBe(false);
    const err = (() => {
      try {
        p.select(['main-3f2a1bc', 'main-9e8d7c6']);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PolicyError);
    expect((err as PolicyError).reason).toBe('NoCandidate');
  });

  it.each(['', 'glob:', 'semver:', 'regex:(?=x)', 'regexp:[', 'semver:not-a-range'])('rejects %j as InvalidPolicy', (value) => {
    expect(() => policyFromLegacyFilter(value)).toThrow(PolicyError);
    try {
      policyFromLegacyFilter(value);
    } catch (err) {
      expect((err as PolicyError).reason).toBe('InvalidPolicy');
    }
  });
});
