/**
 * Flux v1 tag filters, from the `filter.fluxcd.io/<container>` (and older `fluxcd.io/tag.<container>`)
 * annotations: `semver:<range>`, `glob:<pattern>`, `regex:<pattern>` / `regexp:<pattern>`; a value
 * without a prefix is a glob, as in Flux v1.
 *
 * Differences from Flux v1, on purpose:
 * - `semver:` compiles to Flux v2's semver policy, so tags need three dot-separated parts
 *   (Flux v1 accepted `1.2`) and the range uses Masterminds v3 rules.
 * - `glob:` and `regex:` only filter. Flux v1 then picked the most recently *built* image (image
 *   config creation time), which Courier does not fetch; Courier orders the matching tags with the
 *   default release rule instead (`compareReleaseTags`), so only matching tags that read as versions
 *   are candidates. For tags like `main-<sha>` migrate to an ImagePolicy with `filterTags` and an
 *   alphabetical or numerical policy.
 */
import { compileGoRegexp, GoRegexpError, type GoRegexp } from './go-regexp.ts';
import { compilePolicy } from './compile-policy.ts';
import { PolicyError, type TagPolicy } from './tag-policy.ts';
import { compareReleaseTags, parseLenientVersion } from './default-release-policy.ts';

/**
 * Flux v1 glob (github.com/ryanuber/go-glob): only `*` is special, and it matches any run of characters.
 * Compiled as a Go regexp so a glob of many stars is matched in linear time too.
 */
function globRegex(glob: string): GoRegexp {
  return compileGoRegexp(`(?s)^${glob.split('*').map(quoteGo).join('.*')}$`);
}

/** A Go regexp literal for text (regexp.QuoteMeta). */
function quoteGo(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

function matcher(kind: 'glob' | 'regex', pattern: string, value: string): GoRegexp {
  if (kind === 'glob') return globRegex(pattern);
  try {
    return compileGoRegexp(pattern);
  } catch (err) {
    const detail = err instanceof GoRegexpError ? err.detail : String(err);
    throw new PolicyError(`invalid filter '${value}': invalid regular expression pattern: ${detail}`, 'InvalidPolicy');
  }
}

/** Compiles a Flux v1 filter annotation value; throws PolicyError (InvalidPolicy) for an empty or invalid one. */
export function policyFromLegacyFilter(value: string): TagPolicy {
  const m = /^(semver|glob|regexp?):(.*)$/s.exec(value);
  const prefix = m?.[1] ?? 'glob';
  const pattern = m ? (m[2] ?? '') : value;
  if (pattern === '') throw new PolicyError(`invalid filter '${value}': the pattern is empty`, 'InvalidPolicy');
  if (prefix === 'semver') return compilePolicy({ policy: { semver: { range: pattern } } });
  const re = matcher(prefix === 'glob' ? 'glob' : 'regex', pattern, value);
  const accepts = (tag: string): boolean => re.test(tag) && parseLenientVersion(tag) !== undefined;
  return {
    accepts,
    compare: (a, b) => compareReleaseTags(a, b) ?? 0,
    select(tags) {
      let best: string | undefined;
      for (const tag of tags) {
        if (accepts(tag) && (best === undefined || (compareReleaseTags(tag, best) ?? 0) > 0)) best = tag;
      }
      if (best === undefined) {
        throw new PolicyError(`no tag matches '${value}' and reads as a version`, 'NoCandidate');
      }
      return best;
    },
    describe: () => `Flux v1 filter ${JSON.stringify(value)} (newest version among matching tags)`,
  };
}
