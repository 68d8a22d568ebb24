import { describe, expect, it } from 'vitest';
import { compileGoRegexp, GoRegexpError } from '../../../src/core/policies/go-regexp.ts';
import { expandGoTemplate } from '../../../src/core/policies/go-expand.ts';

const matches = (pattern: string, text: string): boolean => compileGoRegexp(pattern).test(text);

function expand(pattern: string, template: string, text: string): string {
  const re = compileGoRegexp(pattern);
  const m = re.exec(text);
  if (!m) throw new Error(`${pattern} does not match ${text}`);
  return expandGoTemplate(re, template, m);
}

describe('compileGoRegexp: Go meaning where JS differs', () => {
  it('searches unanchored', () => {
    expect(matches('ver', 'rel-ver1')).toBe(true);
    expect(matches('^ver', 'rel-ver1')).toBe(false);
  });

  it('reads \\s and \\S as ASCII, outside and inside classes', () => {
    expect(matches('^a\\sb$', 'a b')).toBe(true);
    expect(matches('^a\\sb$', 'a\tb')).toBe(true);
    expect(matches('^a\\sb$', 'a\u00a0b')).toBe(false);
    expect(matches('^a\\sb$', 'a\u000bb')).toBe(false);
    expect(matches('^\\S$', '\u00a0')).toBe(true);
    expect(matches('^[\\s]$', '\u2003')).toBe(false);
    expect(matches('^[\\S]$', '\u2003')).toBe(true);
    expect(matches('^[\\S]$', ' ')).toBe(false);
  });

  it('keeps \\d, \\w and \\b ASCII', () => {
    expect(matches('^\\d+$', '\u0663')).toBe(false);
    expect(matches('^\\w+$', 'é')).toBe(false);
    expect(matches('\\bv1\\b', 'é-v1')).toBe(true);
  });

  it('accepts (?P<name>…) and (?<name>…), including names JS identifiers forbid', () => {
    expect(expand('^main-(?P<ts>[0-9]+)$', '$ts', 'main-1700')).toBe('1700');
    expect(expand('^(?<word>[a-z]+)-', '${word}', 'abc-1')).toBe('abc');
    expect(expand('^(?P<1x>a)', '$1x', 'a')).toBe('a');
  });

  it('treats ] first in a class as a literal', () => {
    expect(matches('^[]a]+$', ']a]')).toBe(true);
    expect(matches('^[^]a]$', 'b')).toBe(true);
    expect(matches('^[^]a]$', ']')).toBe(false);
  });

  it('treats a { that is not a repeat as a literal, and } alone too', () => {
    expect(matches('^a{$', 'a{')).toBe(true);
    expect(matches('^a{,2}$', 'a{,2}')).toBe(true);
    expect(matches('^a}$', 'a}')).toBe(true);
    expect(matches('^a{2}$', 'aa')).toBe(true);
    expect(matches('^a{2,}$', 'aaaa')).toBe(true);
  });

  it('supports POSIX classes, \\Q…\\E, hex and octal escapes, escaped punctuation', () => {
    expect(matches('^[[:digit:]]+$', '2024')).toBe(true);
    expect(matches('^[[:alpha:]]+$', 'ab1')).toBe(false);
    expect(matches('^\\Q.*\\E$', '.*')).toBe(true);
    expect(matches('^\\Q.*\\E$', 'ab')).toBe(false);
    expect(matches('^\\x41\\x{42}\\103$', 'ABC')).toBe(true);
    expect(matches('^\\_\\-\\.$', '_-.')).toBe(true);
    expect(matches('^[a\\-z]+$', '-')).toBe(true);
    expect(matches('^[a\\-z]+$', 'b')).toBe(false);
  });

  it('honours leading flags and \\A / \\z', () => {
    expect(matches('(?i)^rc$', 'RC')).toBe(true);
    expect(matches('(?s)^a.b$', 'a\nb')).toBe(true);
    expect(matches('^a.b$', 'a\nb')).toBe(false);
    expect(matches('^a.b$', 'a\rb')).toBe(true);
    expect(matches('^a.b$', 'a\u2028b')).toBe(true);
    expect(matches('\\Aab\\z', 'ab')).toBe(true);
    expect(matches('(?m)\\Ab$', 'a\nb')).toBe(false);
    expect(matches('(?m)^b$', 'a\nb')).toBe(true);
  });

  it.each([
    ['lookahead', 'a(?=b)'],
    ['negative lookahead', 'a(?!b)'],
    ['lookbehind', '(?<=a)b'],
    ['negative lookbehind', '(?<!a)b'],
    ['numbered backreference', '(a)\\1'],
    ['named backreference', '(?P<x>a)(?P=x)'],
    ['\\k backreference', '(?<x>a)\\k<x>'],
    ['nested repetition', 'a**'],
    ['nested counted repetition', 'x{2}{3}'],
    ['possessive quantifier', 'a++'],
    ['repeat count over 1000', 'a{1001}'],
    ['inverted repeat', 'a{3,2}'],
    ['unknown escape', '\\q'],
    ['\\8', '\\8'],
    ['unclosed class', '[='],
    ['unclosed group', '^test-(.*'],
    ['unbalanced )', 'a)'],
    ['duplicate group name', '(?P<a>x)(?P<a>y)'],
    ['empty group name', '(?P<>x)'],
    ['inverted class range', '[z-a]'],
    ['class escape as range end', '[a-\\d]'],
    ['trailing backslash', 'a\\'],
    ['\\Q inside a class', '[\\Qa\\E]'],
    ['\\b inside a class', '[\\b]'],
  ])('rejects %s: %s', (_what, pattern) => {
    expect(() => compileGoRegexp(pattern)).toThrow(GoRegexpError);
  });
});

describe('compileGoRegexp: the Go syntax the hand translation had to refuse', () => {
  it('honours flags anywhere in the pattern, and scoped flag groups', () => {
    expect(matches('^rc(?i)-BETA$', 'rc-beta')).toBe(true);
    expect(matches('^rc(?i)-BETA$', 'RC-beta')).toBe(false);
    expect(matches('^(?i:v)1$', 'V1')).toBe(true);
    expect(matches('^(?i:v)x$', 'vX')).toBe(false);
  });
  it('reads Unicode classes \\pL, \\p{Greek} and \\PN', () => {
    expect(matches('^\\pL+$', 'héllo')).toBe(true);
    expect(matches('^\\p{Greek}+$', 'αβγ')).toBe(true);
    expect(matches('^\\p{Greek}+$', 'abc')).toBe(false);
    expect(matches('^\\PN+$', 'abc')).toBe(true);
  });
  it('honours the ungreedy flag (?U)', () => {
    expect(expand('(?U)(a+)', '$1', 'aaa')).toBe('a');
    expect(expand('(a+)', '$1', 'aaa')).toBe('aaa');
  });
  it('answers a pattern that backtracking engines take exponential time on', () => {
    // Linear-time matching is measured in bench/regexp.bench.ts; here only the answer is checked.
    expect(matches('^(a+)+$', `${'a'.repeat(40)}!`)).toBe(false);
    expect(matches('^(a|a)*b$', `${'a'.repeat(40)}b`)).toBe(true);
  });
});

describe('expandGoTemplate: Go Regexp.Expand', () => {
  const pattern = '^(?P<name>[a-z]+)-(?P<num>[0-9]+)(-(x))?$';

  it.each([
    ['$1', 'app'],
    ['${1}', 'app'],
    ['$name', 'app'],
    ['${name}-${num}', 'app-42'],
    ['$1x', ''], // the longest run of word characters names a group "1x", which does not exist
    ['${1}x', 'appx'],
    ['$name_v', ''],
    ['${num}_v', '42_v'],
    ['$$1', '$1'],
    ['cost: $', 'cost: $'],
    ['${1', '${1'],
    ['$-', '$-'],
    ['$4', ''], // group that did not participate
    ['$9', ''], // group that does not exist
    ['$01', ''], // a leading zero makes it a name, not a number
    ['v$2.0', 'v42.0'],
    ['no refs', 'no refs'],
  ])('%s', (template, expected) => {
    expect(expand(pattern, template, 'app-42')).toBe(expected);
  });

  it('expands $0 to the whole match, not the whole tag', () => {
    expect(expand('[0-9]+', '$0', 'rel-123-x')).toBe('123');
  });
});
