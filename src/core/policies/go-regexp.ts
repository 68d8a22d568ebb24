/**
 * Go RE2 regular expressions (Flux's `filterTags.pattern`, `exclusionList`, Flux v1 `regex:` filters),
 * compiled with re2js, a maintained JavaScript port of Go's `regexp` package: the same syntax
 * (https://pkg.go.dev/regexp/syntax) and linear-time matching, so a pattern taken from a repository's
 * config cannot make Courier backtrack for exponential time. Go's `Regexp.Expand` lives in `go-expand.ts`.
 */
import { RE2JS, RE2JSException } from 're2js';

/** A Go pattern that cannot be compiled; the message reads like Go's `regexp.Compile` error. */
export class GoRegexpError extends Error {
  constructor(
    readonly pattern: string,
    readonly detail: string,
  ) {
    super(`error parsing regexp: ${detail}: \`${pattern}\``);
    this.name = 'GoRegexpError';
  }
}

/** A compiled Go pattern, searched unanchored as Go's `MatchString`/`FindStringSubmatch` do. */
export interface GoRegexp {
  readonly pattern: string;
  /** True when the pattern matches anywhere in `text`. */
  test(text: string): boolean;
  /** The leftmost match and its groups by number (undefined for a group that did not take part), or null. */
  exec(text: string): ReadonlyArray<string | undefined> | null;
  /** Go group names by group number (index 0 = whole match, '' = unnamed). */
  readonly groupNames: readonly string[];
}

/** Compiles a Go RE2 pattern; throws GoRegexpError when Go would reject it. */
export function compileGoRegexp(pattern: string): GoRegexp {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    if (err instanceof RE2JSException) throw new GoRegexpError(pattern, err.message);
    throw err;
  }
  const groupNames: string[] = Array.from({ length: re.groupCount() + 1 }, () => '');
  for (const [name, index] of Object.entries(re.namedGroups())) groupNames[index] = name;
  return {
    pattern,
    test: (text) => re.test(text),
    exec(text) {
      const m = re.matcher(text);
      if (!m.find()) return null;
      return groupNames.map((_, i) => m.group(i) ?? undefined);
    },
    groupNames,
  };
}
