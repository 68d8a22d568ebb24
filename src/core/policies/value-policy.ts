/** The policy half of an ImagePolicy, working on (possibly extracted) values rather than tags. */
import { PolicyError } from './tag-policy.ts';

/** One ordering rule (semver, alphabetical, numerical) over values produced by filterTags. */
export interface ValuePolicy {
  /** True when the value is a candidate for this rule. */
  accepts(value: string): boolean;
  /** Positive when `a` ranks above `b`. */
  compare(a: string, b: string): number;
  /** Flux's `Latest(versions)`: the winning value; throws PolicyError (NoCandidate). */
  latest(values: readonly string[]): string;
  /** Short human summary, e.g. `semver ">=1.0.0"`. */
  describe(): string;
}

/** Flux's error for an empty candidate list. */
export function emptyListError(): PolicyError {
  return new PolicyError('version list argument cannot be empty', 'NoCandidate');
}

/** Reads an `order` field like Flux: upper-cased, ASC (default) or DESC; throws PolicyError otherwise. */
export function parseOrder(order: string | undefined): 'ASC' | 'DESC' {
  const upper = (order ?? '').toUpperCase() || 'ASC';
  if (upper === 'ASC' || upper === 'DESC') return upper;
  throw new PolicyError(
    `invalid policy: invalid order argument provided: '${upper}', must be one of: ASC, DESC`,
    'InvalidPolicy',
  );
}

/** Compares strings by code point, which is Go's byte-wise UTF-8 order (JS `<` compares UTF-16 units). */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) as number;
    const y = b.codePointAt(i) as number;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}
