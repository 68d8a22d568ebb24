/**
 * Masterminds/semver v3 constraint ranges, as Flux's semver policy evaluates them
 * (https://github.com/Masterminds/semver#checking-version-constraints):
 * `,` or whitespace = AND, `||` = OR; operators `= != > < >= <= => =< ~ ~> ^`; hyphen ranges
 * `a - b` (spaces required); wildcards `x`, `X`, `*`; a leading `v` is accepted and ignored.
 * Prereleases satisfy an OR-group only when some comparator of that group has a prerelease, and then
 * prereleases of ANY version qualify (unlike npm's node-semver).
 */
import { compareSemVersions, comparePrerelease, parseSemVersion, type SemVersion } from './flux-version.ts';

type Operator = '' | '=' | '!=' | '>' | '<' | '>=' | '<=' | '~' | '^';

interface Comparator {
  op: Operator;
  con: SemVersion;
  dirty: boolean;
  minorDirty: boolean;
  patchDirty: boolean;
}

/** A parsed range: OR-groups of AND-ed comparators. */
export interface SemverRange {
  readonly text: string;
  /** True when `v` satisfies the range (Masterminds `Constraints.Check`). */
  check(v: SemVersion): boolean;
}

/** Thrown for a range Masterminds would reject. */
export class SemverRangeError extends Error {
  constructor(readonly range: string) {
    super(`improper constraint: ${range}`);
    this.name = 'SemverRangeError';
  }
}

const CV = 'v?([0-9xX*|]+)(\\.[0-9xX*|]+)?(\\.[0-9xX*|]+)?(-[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?';
const CV_NO_GROUPS = CV.replace(/\((?!\?)/g, '(?:');
// Go's \s is ASCII whitespace; JS's is Unicode-aware.
const WS = '[\\t\\n\\f\\r ]';
const HYPHEN_RANGE = new RegExp(`${WS}*(${CV_NO_GROUPS})${WS}+-${WS}+(${CV_NO_GROUPS})${WS}*`, 'g');
const OPERATOR = /^(!=|>=|=>|<=|=<|~>|>|<|=|~|\^)?/;
const VERSION = new RegExp(`^${CV}`);
const SPACE = new RegExp(`^${WS}*`);
const OP_ALIASES: Record<string, Operator> = { '=>': '>=', '=<': '<=', '~>': '~' };

const isX = (part: string | undefined): boolean => part === 'x' || part === 'X' || part === '*';

function parseComparator(op: string, m: RegExpExecArray, range: string): Comparator {
  const [, major = '', dotMinor, dotPatch, pre = ''] = m;
  const minor = dotMinor?.slice(1);
  const patch = dotPatch?.slice(1);
  let text = m[0];
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isX(major)) {
    text = `0.0.0${pre}`;
    dirty = true;
  } else if (minor === undefined || isX(minor)) {
    text = `${major}.0.0${pre}`;
    dirty = minorDirty = true;
  } else if (patch === undefined || isX(patch)) {
    text = `${major}.${minor}.0${pre}`;
    dirty = patchDirty = true;
  }
  const con = parseSemVersion(text);
  if (!con) throw new SemverRangeError(range);
  return { op: OP_ALIASES[op] ?? (op as Operator), con, dirty, minorDirty, patchDirty };
}

/** Parses one OR-group: comparators separated by `,` or whitespace. */
function parseGroup(group: string, range: string): Comparator[] {
  const out: Comparator[] = [];
  let rest = group.replace(SPACE, '');
  for (;;) {
    const op = (OPERATOR.exec(rest) as RegExpExecArray)[0];
    rest = rest.slice(op.length).replace(SPACE, '');
    const m = VERSION.exec(rest);
    if (!m) throw new SemverRangeError(range);
    out.push(parseComparator(op, m, range));
    rest = rest.slice(m[0].length);
    const afterSpace = rest.replace(SPACE, '');
    const spaced = afterSpace.length < rest.length;
    rest = afterSpace;
    if (rest === '') return out;
    if (rest.startsWith(',')) rest = rest.slice(1).replace(SPACE, '');
    else if (!spaced) throw new SemverRangeError(range);
  }
}

function tilde(v: SemVersion, c: Comparator): boolean {
  if (compareSemVersions(v, c.con) < 0) return false;
  // ~0.0.0 and ~* accept everything.
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  return v.minor === c.con.minor || c.minorDirty;
}

function caret(v: SemVersion, c: Comparator): boolean {
  if (compareSemVersions(v, c.con) < 0) return false;
  if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
  if (v.major > 0n) return false;
  if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
  if (v.minor > 0n) return false;
  return v.patch === c.con.patch;
}

function notEqual(v: SemVersion, c: Comparator): boolean {
  if (c.dirty) {
    if (c.con.major !== v.major) return true;
    if (c.minorDirty) return false;
    if (c.con.minor !== v.minor) return true;
    if (c.patchDirty) return (v.prerelease !== '' || c.con.prerelease !== '') && comparePrerelease(v.prerelease, c.con.prerelease) !== 0;
  }
  return compareSemVersions(v, c.con) !== 0;
}

function greaterThan(v: SemVersion, c: Comparator): boolean {
  if (!c.dirty) return compareSemVersions(v, c.con) > 0;
  if (v.major !== c.con.major) return v.major > c.con.major;
  if (c.minorDirty) return false;
  if (c.patchDirty) return v.minor > c.con.minor;
  return compareSemVersions(v, c.con) > 0;
}

function lessThanOrEqual(v: SemVersion, c: Comparator): boolean {
  if (!c.dirty) return compareSemVersions(v, c.con) <= 0;
  if (v.major > c.con.major) return false;
  return !(v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty);
}

function satisfies(v: SemVersion, c: Comparator): boolean {
  switch (c.op) {
    case '':
    case '=':
      return c.dirty ? tilde(v, c) : compareSemVersions(v, c.con) === 0;
    case '!=':
      return notEqual(v, c);
    case '>':
      return greaterThan(v, c);
    case '<':
      return compareSemVersions(v, c.con) < 0;
    case '>=':
      return compareSemVersions(v, c.con) >= 0;
    case '<=':
      return lessThanOrEqual(v, c);
    case '~':
      return tilde(v, c);
    case '^':
      return caret(v, c);
  }
}

/** Parses a Masterminds v3 range; throws SemverRangeError when Masterminds would reject it. */
export function parseSemverRange(text: string): SemverRange {
  const rewritten = text.replace(HYPHEN_RANGE, (_all, from: string, to: string) => `>= ${from}, <= ${to}`);
  const groups = rewritten.split('||').map((group) => {
    const comparators = parseGroup(group, text);
    return { comparators, includePrerelease: comparators.some((c) => c.con.prerelease !== '') };
  });
  return {
    text,
    check(v: SemVersion): boolean {
      return groups.some(
        (g) => (v.prerelease === '' || g.includePrerelease) && g.comparators.every((c) => satisfies(v, c)),
      );
    },
  };
}
