/**
 * Flux's `filterTags` (image-reflector-controller `internal/policy/filter.go`): a Go RE2 `pattern`
 * searched unanchored, and an optional Go `Regexp.Expand` template `extract` whose result is what the
 * policy compares. The original tag is kept so the winner can be reported as written.
 */
import { compileGoRegexp, GoRegexpError, type GoRegexp } from './go-regexp.ts';
import { expandGoTemplate } from './go-expand.ts';
import { PolicyError } from './tag-policy.ts';

/** A compiled filterTags block. */
export interface TagFilter {
  readonly pattern: string;
  readonly extract: string;
  /** The value the policy sees for `tag`, or undefined when the pattern does not match. */
  extractValue(tag: string): string | undefined;
  /** Extracted value → original tag, in first-seen order; when several tags extract alike the last one wins. */
  apply(tags: readonly string[]): Map<string, string>;
}

/** Compiles `filterTags`; throws PolicyError (InvalidPolicy) for a pattern Go would reject. */
export function compileTagFilter(filterTags: { pattern?: string; extract?: string } = {}): TagFilter {
  const pattern = filterTags.pattern ?? '';
  const extract = filterTags.extract ?? '';
  let re: GoRegexp;
  try {
    re = compileGoRegexp(pattern);
  } catch (err) {
    const detail = err instanceof GoRegexpError ? err.message : String(err);
    throw new PolicyError(
      `failed to filter tags: invalid regular expression pattern '${pattern}': ${detail}`,
      'InvalidPolicy',
    );
  }
  const extractValue = (tag: string): string | undefined => {
    const match = re.exec(tag);
    if (!match) return undefined;
    return extract === '' ? tag : expandGoTemplate(re, extract, match);
  };
  return {
    pattern,
    extract,
    extractValue,
    apply(tags) {
      const out = new Map<string, string>();
      for (const tag of tags) {
        const value = extractValue(tag);
        if (value !== undefined) out.set(value, tag);
      }
      return out;
    },
  };
}
