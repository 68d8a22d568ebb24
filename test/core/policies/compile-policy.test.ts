import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../../src/core/policies/compile-policy.ts';
import { PolicyError } from '../../../src/core/policies/tag-policy.ts';
import { parseGoFloat } from '../../../src/core/policies/go-parse-float.ts';
import { exclusionListFromSpec, filterExcluded, storedTags } from '../../../src/core/policies/exclusion.ts';

function policyError(run: () => unknown): PolicyError {
  try {
    run();
  } catch (err) {
    if (err instanceof PolicyError) return err;
    throw err;
  }
  throw new Error('expected a PolicyError');
}

describe('compilePolicy', () => {
  it('semver: accepts, compares and selects, returning the original tag', () => {
    const p = compilePolicy({ policy: { semver: { range: '>=1.0.0 <2.0.0' } } });
    expect(p.accepts('v1.4.0')).toBe(true);
    expect(p.accepts('2.0.0')).toBe(false);
    expect(p.accepts('1.4')).toBe(false); // not three parts: Flux skips it
    expect(p.accepts('1.5.0-rc.1')).toBe(false);
    expect(p.compare('1.10.0', 'v1.9.0')).toBeGreaterThan(0);
    expect(p.compare('1.0.0-rc.1', '1.0.0')).toBeLessThan(0);
    expect(p.select(['1.2.0', 'v1.10.0', '2.0.0', 'latest'])).toBe('v1.10.0');
    expect(p.describe()).toBe('semver ">=1.0.0 <2.0.0"');
  });

  it('semver: on equal versions the first tag seen wins', () => {
    const p = compilePolicy({ policy: { semver: { range: '1.0.x' } } });
    expect(p.select(['v1.0.0', '1.0.0'])).toBe('v1.0.0');
    expect(p.select(['1.0.0', 'v1.0.0'])).toBe('1.0.0');
    expect(p.compare('v1.0.0', '1.0.0')).toBe(0);
  });

  it('semver with filterTags and extract compares the extracted values', () => {
    const p = compilePolicy({
      policy: { semver: { range: '>=1.0.0' } },
      filterTags: { pattern: '^app-(?P<v>.*)$', extract: '$v' },
    });
    expect(p.accepts('app-1.2.0')).toBe(true);
    expect(p.accepts('1.2.0')).toBe(false);
    expect(p.compare('app-1.10.0', 'app-1.9.0')).toBeGreaterThan(0);
    expect(p.select(['app-1.9.0', 'web-3.0.0', 'app-1.10.0'])).toBe('app-1.10.0');
    expect(p.describe()).toContain('^app-(?P<v>.*)$');
  });

  it('alphabetical: byte-wise, not locale order; desc picks the smallest', () => {
    const asc = compilePolicy({ policy: { alphabetical: {} } });
    expect(asc.select(['a', 'B', 'b', 'Z'])).toBe('b');
    expect(asc.compare('Z', 'a')).toBeLessThan(0); // localeCompare would say otherwise
    const desc = compilePolicy({ policy: { alphabetical: { order: 'DESC' } } });
    expect(desc.select(['a', 'B', 'b', 'Z'])).toBe('B');
    expect(desc.compare('a', 'b')).toBeGreaterThan(0);
  });

  it('numerical: strict floats, one bad value fails the selection, ties go to the later tag', () => {
    const p = compilePolicy({ policy: { numerical: { order: 'asc' } } });
    expect(p.select(['10', '9', '1e1', '2'])).toBe('1e1');
    expect(p.accepts('')).toBe(false);
    expect(p.accepts('1a')).toBe(false);
    expect(p.compare('10', '9')).toBeGreaterThan(0);
    const err = policyError(() => p.select(['1', '']));
    expect(err.message).toContain("failed to parse invalid numeric value ''");
    expect(err.reason).toBe('NoCandidate');
    const desc = compilePolicy({ policy: { numerical: { order: 'desc' } } });
    expect(desc.select(['3', '-0.5', '-.5', '7'])).toBe('-.5');
    expect(desc.compare('1', '2')).toBeGreaterThan(0);
  });

  it('filterTags: several tags extracting to one value keep the last one', () => {
    const p = compilePolicy({
      policy: { numerical: {} },
      filterTags: { pattern: '^build-(?P<n>[0-9]+)(-retry)?$', extract: '$n' },
    });
    expect(p.select(['build-7', 'build-7-retry', 'build-3'])).toBe('build-7-retry');
    expect(p.select(['build-7-retry', 'build-7', 'build-3'])).toBe('build-7');
  });

  it('filterTags that drops every tag is a NoCandidate error naming the pattern', () => {
    const p = compilePolicy({ policy: { alphabetical: {} }, filterTags: { pattern: '^release-' } });
    const err = policyError(() => p.select(['main-1', 'main-2']));
    expect(err.reason).toBe('NoCandidate');
    expect(err.message).toContain("'^release-'");
  });

  it.each([
    [{}, 'given ImagePolicyChoice object is invalid'],
    [{ semver: { range: '1.0' }, alphabetical: {} }, 'given ImagePolicyChoice object is invalid'],
    [{ semver: { range: 'a' } }, 'improper constraint: a'],
    [{ numerical: { order: 'up' } }, "invalid order argument provided: 'UP'"],
  ])('rejects policy %j', (policy, message) => {
    const err = policyError(() => compilePolicy({ policy }));
    expect(err.reason).toBe('InvalidPolicy');
    expect(err.message).toContain(message);
  });

  it('rejects a filter pattern Go would reject, as InvalidPolicy', () => {
    const err = policyError(() => compilePolicy({ policy: { alphabetical: {} }, filterTags: { pattern: '(?=x)' } }));
    expect(err.reason).toBe('InvalidPolicy');
    expect(err.message).toContain("failed to filter tags: invalid regular expression pattern '(?=x)'");
  });
});

describe('parseGoFloat', () => {
  it.each([
    ['1', 1],
    ['-1.5', -1.5],
    ['+2', 2],
    ['.5', 0.5],
    ['1.', 1],
    ['1e3', 1000],
    ['1E-2', 0.01],
    ['0x1p-2', 0.25],
    ['0x1.8p1', 3],
    ['-0X10P0', -16],
    ['inf', Infinity],
    ['-Infinity', -Infinity],
  ])('%j → %d', (text, value) => {
    expect(parseGoFloat(text)).toBe(value);
  });

  it('reads NaN', () => {
    expect(parseGoFloat('NaN')).toBeNaN();
  });

  it.each(['', ' 1', '1 ', '1a', '0x10', '1e', '.', '+nan', '1_000', '1e400', 'infinit', '0x.p1', '1..2'])('rejects %j', (text) => {
    expect(parseGoFloat(text)).toBeUndefined();
  });
});

describe('exclusion lists', () => {
  it('absent or empty spec field means the default list; a given list replaces it', () => {
    const tags = ['1.0.0', '1.0.0.sig', '1.1.0-rc.1'];
    expect(filterExcluded(tags, exclusionListFromSpec(undefined))).toEqual(['1.0.0', '1.1.0-rc.1']);
    expect(filterExcluded(tags, exclusionListFromSpec([]))).toEqual(['1.0.0', '1.1.0-rc.1']);
    expect(filterExcluded(tags, exclusionListFromSpec(['-rc']))).toEqual(['1.0.0', '1.0.0.sig']);
  });

  it('storedTags applies the exclusion list and sorts descending byte-wise', () => {
    expect(storedTags(['1.0.0', 'v1.0.0', '1.0.0.sig', '10.0.0', '9.0.0'])).toEqual(['v1.0.0', '9.0.0', '10.0.0', '1.0.0']);
  });

  it('a bad exclusion pattern is InvalidPolicy', () => {
    const err = policyError(() => filterExcluded(['a'], ['(?<!x)a']));
    expect(err.reason).toBe('InvalidPolicy');
    expect(err.message).toContain('failed to compile regex');
  });
});
