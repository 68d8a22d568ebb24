import { describe, expect, it } from 'vitest';
import {
  compareReleaseTags,
  defaultReleasePolicy,
  parseLenientVersion,
} from '../../../src/core/policies/default-release-policy.ts';
import { PolicyError } from '../../../src/core/policies/tag-policy.ts';

const policy = defaultReleasePolicy();
/** The engine's question: is `released` acceptable and newer than `current`? */
const updates = (released: string, current: string): boolean =>
  policy.accepts(released) && policy.compare(released, current) > 0;

describe('parseLenientVersion', () => {
  it.each([
    ['1.25', [1n, 25n], '', 'stable'],
    ['v2.0.1', [2n, 0n, 1n], '', 'stable'],
    ['1.2.3.4', [1n, 2n, 3n, 4n], '', 'stable'],
    ['20240101', [20240101n], '', 'stable'],
    ['7.2.4-debian-12-r0', [7n, 2n, 4n], 'debian-12-r0', 'flavour'],
    ['1.25.3-alpine', [1n, 25n, 3n], 'alpine', 'flavour'],
    ['1.0.0-rc.1', [1n, 0n, 0n], 'rc.1', 'prerelease'],
    ['2.0.0-Beta2', [2n, 0n, 0n], 'Beta2', 'prerelease'],
    ['1.0.0+build.7', [1n, 0n, 0n], '', 'stable'],
  ])('%s', (tag, numbers, suffix, kind) => {
    expect(parseLenientVersion(tag)).toEqual({ original: tag, numbers, suffix, kind });
  });

  it.each(['latest', 'main', 'sha-3f2a1bc', 'a1b2c3d', '1.2.3.4.5', 'V1.0.0', '1..2', '', '1.0-'])('rejects %j', (tag) => {
    expect(parseLenientVersion(tag)).toBeUndefined();
  });
});

describe('defaultReleasePolicy: never downgrade, never change shape', () => {
  it.each([
    // plain versions: newer only
    ['1.2.4', '1.2.3', true],
    ['1.10.0', '1.9.9', true],
    ['v1.3.0', '1.2.0', true], // a leading v does not matter
    ['1.2.3', '1.2.3', false],
    ['1.2.2', '1.2.3', false],
    ['1.26', '1.25', true], // nginx-style floating minor tags
    ['1.25.3', '1.25', false], // a floating tag is not pinned by accident
    ['1.26', '1.25.3', false],
    // flavours move only along the same flavour
    ['7.2.5-debian-12-r0', '7.2.4-debian-12-r0', true],
    ['7.2.4-debian-12-r10', '7.2.4-debian-12-r9', true], // revision numbers compare as numbers
    ['7.2.4-debian-12-r0', '7.2.4-debian-12-r1', false],
    ['7.2.5-debian-13-r0', '7.2.4-debian-12-r3', true], // same flavour, newer version
    ['1.25.4-alpine', '1.25.3-alpine', true],
    ['1.25.4', '1.25.3-alpine', false],
    ['1.25.4-alpine', '1.25.3', false],
    ['1.25.4-bookworm', '1.25.3-alpine', false],
    // prereleases: never onto a stable tag, only within their own version, and out to the final
    ['1.3.0-rc.1', '1.2.3', false],
    ['1.2.4-rc.1', '1.2.3', false],
    ['1.3.0-rc.2', '1.3.0-rc.1', true],
    ['1.3.0-rc.10', '1.3.0-rc.9', true],
    ['1.3.0-rc.1', '1.3.0-beta.4', true],
    ['1.4.0-rc.1', '1.3.0-rc.2', false],
    ['1.3.0', '1.3.0-rc.2', true],
    ['1.3.1', '1.3.0-rc.2', true],
    ['1.2.9', '1.3.0-rc.2', false],
    // tags that are not versions are never accepted
    ['latest', '1.0.0', false],
    ['1.0.1', 'latest', false],
    ['main-abc123', 'main-abc122', false],
  ])('%s replaces %s: %s', (released, current, expected) => {
    expect(updates(released, current)).toBe(expected);
  });

  it('answers "cannot tell" (undefined) apart from "not newer"', () => {
    expect(compareReleaseTags('1.0.1', 'latest')).toBeUndefined();
    expect(compareReleaseTags('1.25.4', '1.25.3-alpine')).toBeUndefined();
    expect(compareReleaseTags('1.2.2', '1.2.3')).toBe(-1);
    expect(compareReleaseTags('1.2.3', '1.2.3-rc.1')).toBe(1);
    expect(compareReleaseTags('1.2.3-rc.1', '1.2.3')).toBe(-1);
  });

  it('is antisymmetric', () => {
    const tags = ['1.2.3', '1.3.0-rc.1', '1.3.0', '1.25', '7.2.4-debian-12-r0', '7.2.4-debian-12-r10', 'v1.2.4', 'latest'];
    for (const a of tags) {
      for (const b of tags) expect(policy.compare(a, b)).toBe(-policy.compare(b, a) || 0);
    }
  });

  it('select keeps the first tag and moves only to strictly newer tags of the same shape', () => {
    expect(policy.select(['latest', '1.2.3', '1.10.0', '1.9.0', '2.0.0-rc.1'])).toBe('1.10.0');
    expect(policy.select(['1.25', '1.26', '1.26.1'])).toBe('1.26');
    expect(() => policy.select(['latest', 'main'])).toThrow(PolicyError);
  });
});

describe('defaultReleasePolicy.explain: which rule refused a release', () => {
  it.each([
    ['3.21.1', '3.20', /3 numeric parts.*3\.20 has 2/],
    ['6.15.0-rc.1', '6.14.1', /prerelease.*stable/],
    ['1.25.4', '1.25.3-alpine', /flavour "alpine"/],
    ['7.2.5-debian-13-r0', '7.2.4-alpine', /flavour/],
    ['1.4.0-rc.1', '1.3.0-rc.2', /prereleases of different versions/],
  ])('%s over %s names the shape rule, not a downgrade', (released, current, pattern) => {
    const why = policy.explain!(released, current);
    expect(why).toMatch(pattern);
    expect(why).not.toMatch(/downgrade/);
  });
  it('calls an older release a downgrade and an equal one equal', () => {
    expect(policy.explain!('1.2.2', '1.2.3')).toMatch(/older than the current 1\.2\.3; Courier never downgrades/);
    expect(policy.explain!('v1.2.3', '1.2.3')).toMatch(/same version/);
  });
});
