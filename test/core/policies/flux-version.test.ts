import { describe, expect, it } from 'vitest';
import {
  compareSemVersions,
  parseFluxVersion,
  parseSemVersion,
} from '../../../src/core/policies/flux-version.ts';

describe('parseFluxVersion', () => {
  it.each([
    ['1.2.3', true],
    ['v1.2.3', true],
    ['v2025.07.03', true], // leading zeros tolerated in major.minor.patch (CalVer)
    ['1.0-rc.1', true], // the dot in the prerelease satisfies the three-part check; coerced to 1.0.0-rc.1
    ['1.2.3-rc.1+build.5', true],
    ['1.0', false],
    ['v1', false],
    ['1.0.0.1', false],
    ['1.0.0p', false],
    ['v1.2-beta5', false],
    ['V1.2.3', false],
    ['1.2.3-rc.01', false], // numeric prerelease identifiers may not have leading zeros
    ['1.2.3-', false],
    ['1.2.3-rc..1', false],
    [' 1.2.3', false],
    ['18446744073709551615.0.0', true],
    ['18446744073709551616.0.0', false], // beyond uint64
  ])('%j → %s', (tag, valid) => {
    expect(parseFluxVersion(tag) !== undefined).toBe(valid);
  });

  it('coerces missing parts and keeps the original text', () => {
    const v = parseFluxVersion('1.0-rc.1');
    expect(v).toMatchObject({ original: '1.0-rc.1', major: 1n, minor: 0n, patch: 0n, prerelease: 'rc.1' });
    expect(parseSemVersion('v2')).toMatchObject({ major: 2n, minor: 0n, patch: 0n });
  });
});

describe('compareSemVersions', () => {
  const cmp = (a: string, b: string) => {
    const va = parseSemVersion(a);
    const vb = parseSemVersion(b);
    if (!va || !vb) throw new Error('bad fixture');
    return Math.sign(compareSemVersions(va, vb));
  };

  it.each([
    ['1.0.0', '0.9.9', 1],
    ['1.10.0', '1.9.0', 1],
    ['1.0.0', '1.0.0-rc.1', 1],
    ['1.0.0-rc.10', '1.0.0-rc.9', 1],
    ['1.0.0-rc10', '1.0.0-rc9', -1], // alphanumeric identifiers compare byte-wise
    ['1.0.0-alpha', '1.0.0-1', 1], // numeric identifiers rank below alphanumeric ones
    ['1.0.0-alpha.1', '1.0.0-alpha', 1],
    ['1.0.0+build.2', '1.0.0+build.1', 0], // build metadata is ignored
    ['v1.0.0', '1.0.0', 0],
    ['2025.07.03', '2025.7.3', 0],
    ['18446744073709551615.0.0', '18446744073709551614.0.0', 1], // beyond 2^53,
  ])('%s vs %s → %i', (a, b, expected) => {
    expect(cmp(a, b)).toBe(expected);
  });
});
