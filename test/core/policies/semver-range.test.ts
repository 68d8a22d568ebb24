import { describe, expect, it } from 'vitest';
import { parseSemverRange, SemverRangeError } from '../../../src/core/policies/semver-range.ts';
import { parseSemVersion } from '../../../src/core/policies/flux-version.ts';

function check(range: string, version: string): boolean {
  const v = parseSemVersion(version);
  if (!v) throw new Error(`not a version: ${version}`);
  return parseSemverRange(range).check(v);
}

describe('parseSemverRange: Masterminds v3 semantics', () => {
  it.each([
    // exact and wildcards
    ['=2.0.0', '2.0.0', true],
    ['2.0.0', '2.0.1', false],
    ['4.1', '4.1.7', true],
    ['4.1', '4.2.0', false],
    ['1.0.x', '1.0.9', true],
    ['1.0.X', '1.1.0', false],
    ['1.*', '1.9.0', true],
    ['*', '7.0.0', true],
    ['x', '0.0.1', true],
    ['1.x.3', '1.5.0', true], // a wildcard minor makes the patch irrelevant
    // leading v on either side
    ['v1.0.x', '1.0.1', true],
    ['1.0.x', 'v1.0.1', true],
    ['=v1.1.1', 'v1.1.1', true],
    // comparison operators, including the dirty (wildcard) forms
    ['>1.1', '1.1.9', false],
    ['>1.1', '1.2.0', true],
    ['>0', '0.9.0', false],
    ['>0', '1.0.0', true],
    ['>1.0.0', '1.0.1', true],
    ['<2', '1.99.0', true],
    ['<2', '2.0.0', false],
    ['<=1.1', '1.1.9', true],
    ['<=1.1', '1.2.0', false],
    ['<=1.x', '1.99.0', true],
    ['<=1.x', '2.0.0', false],
    ['=<1.0.0', '1.0.0', true],
    ['=>1.0.0', '0.9.0', false],
    ['!=4.1', '4.1.3', false],
    ['!=4.1', '4.2.0', true],
    ['!=4.x', '4.9.0', false],
    ['!=4.x', '5.0.0', true],
    ['!=1.2.3', '1.2.4', true],
    // tilde
    ['~1.2.3', '1.2.9', true],
    ['~1.2.3', '1.3.0', false],
    ['~1', '1.9.0', true],
    ['~>1.2', '1.2.5', true],
    ['~*', '3.0.0', true],
    // caret, including the 0.x rules
    ['^1.2.3', '1.9.9', true],
    ['^1.2.3', '2.0.0', false],
    ['^1.2.3', '1.2.2', false],
    ['^0.2.3', '0.2.9', true],
    ['^0.2.3', '0.3.0', false],
    ['^0.0.3', '0.0.3', true],
    ['^0.0.3', '0.0.4', false],
    ['^0.0', '0.0.9', true],
    ['^0.0', '0.1.0', false],
    ['^0', '0.9.9', true],
    ['^0', '1.0.0', false],
    ['^1.x', '1.5.0', true],
    // AND with commas or spaces, OR with ||
    ['>0,<2.0', '1.5.0', true],
    ['>0,<2.0', '2.0.0', false],
    ['>=1.0 <2.0', '1.9.9', true],
    ['>= 1.0 , < 2.0', '2.1.0', false],
    ['<1.0.0 || >=3.0.0', '3.1.0', true],
    ['<1.0.0 || >=3.0.0', '2.0.0', false],
    // hyphen ranges need spaces
    ['1.2 - 1.4.5', '1.4.5', true],
    ['1.2 - 1.4.5', '1.4.6', false],
    ['1.2 - 1.4.5', '1.1.9', false],
    ['1.1 - 3', '3.9.9', true],
    ['1.1 - 3', '4.0.0', false],
    ['1.2-1.4.5', '1.2.5', true], // one version 1.2 with prerelease "1.4.5", i.e. ~1.2.0-1.4.5
    ['1.2-1.4.5', '1.4.5', false],
  ])('%s admits %s: %s', (range, version, expected) => {
    expect(check(range, version)).toBe(expected);
  });

  describe('prereleases', () => {
    it.each([
      ['*', '1.0.0-alpha', false],
      ['1.0.x', '1.0.1-rc.1', false],
      ['>=1.0.0', '2.0.0-beta', false],
      // a prerelease comparator admits prereleases of ANY version (unlike node-semver)
      ['>=1.0.0-0', '2.5.0-beta.1', true],
      ['>=1.0.0-0', '0.9.0-rc.1', false],
      ['^1.x-0', '1.7.0-rc.2', true],
      ['^1.x-0', '2.0.0-rc.1', false],
      ['>=1.1.0-beta <2.0.0', '1.5.0-alpha', true],
      ['>=1.1.0-beta <2.0.0', '1.1.0-alpha', false],
      // only the OR-group holding the prerelease comparator opens up
      ['<2.0.0 || >=3.0.0-0', '1.5.0-rc.1', false],
      ['<2.0.0 || >=3.0.0-0', '3.1.0-rc.1', true],
      ['>=3.0.0-0 || <2.0.0', '1.5.0-rc.1', false],
    ])('%s admits %s: %s', (range, version, expected) => {
      expect(check(range, version)).toBe(expected);
    });
  });

  it.each(['', ' ', '1x', 'x1', '-1', 'a', '1.0.0p', '*-*', '1.0 ||', '|| 1.0', '1.0,,2.0', '>= 1.0,', '1.0.0-01', '> = 1', '1|2', '==1.0', 'V1.0.0'])(
    'rejects %j',
    (range) => {
      expect(() => parseSemverRange(range)).toThrow(SemverRangeError);
    },
  );

  it.each(['>=1.0', ' 1.0 ', '1.0.0 - 2.0.0 || 3.x', '~> 1.2', '^1.2.3+build.1', '>=1.0.0-rc.1'])('accepts %j', (range) => {
    expect(() => parseSemverRange(range)).not.toThrow();
  });
});
