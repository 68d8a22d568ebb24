/**
 * The ImageRepository side of tag selection (image-reflector-controller
 * `internal/controller/imagerepository_controller.go`): the exclusion list applied to a scan, the
 * stored (descending) tag order policies read, and `status.lastScanResult.latestTags`.
 */
import { compileGoRegexp, GoRegexpError } from './go-regexp.ts';
import { PolicyError } from './tag-policy.ts';
import { compareBytes } from './value-policy.ts';

/** Flux's default `spec.exclusionList`: cosign signature tags. */
export const DEFAULT_EXCLUSION_LIST: readonly string[] = ['^.*\\.sig$'];

/**
 * Compiles an exclusion list once into a test: true when any pattern matches the tag (unanchored, as
 * upstream `filterOutTags`). An absent list means the default. Throws PolicyError (InvalidPolicy) for a bad pattern.
 */
export function compileExclusions(exclusionList?: readonly string[]): (tag: string) => boolean {
  const regexes = (exclusionList ?? DEFAULT_EXCLUSION_LIST).map((pattern) => {
    try {
      return compileGoRegexp(pattern);
    } catch (err) {
      const detail = err instanceof GoRegexpError ? err.detail : String(err);
      throw new PolicyError(`failed to compile regex '${pattern}': ${detail}`, 'InvalidPolicy');
    }
  });
  return (tag) => regexes.some((re) => re.test(tag));
}

/**
 * Drops every tag matched (unanchored) by any pattern, keeping input order (upstream `filterOutTags`).
 * An absent list means the default; a given list is used as is, so a non-empty one replaces the default
 * (`.sig` tags come back unless listed) and `[]` excludes nothing — turn a spec field into this argument
 * with `exclusionListFromSpec`. Throws PolicyError (InvalidPolicy) for a bad pattern.
 */
export function filterExcluded(tags: readonly string[], exclusionList?: readonly string[]): string[] {
  const excluded = compileExclusions(exclusionList);
  return tags.filter((tag) => !excluded(tag));
}

/** `spec.exclusionList` as Flux reads it: absent or empty means the default list. */
export function exclusionListFromSpec(list: readonly string[] | undefined): readonly string[] {
  return list && list.length > 0 ? list : DEFAULT_EXCLUSION_LIST;
}

/** Tags sorted descending by byte-wise string order (stable): the order Flux stores and reads them in. */
export function sortTagsDescending(tags: readonly string[]): string[] {
  return [...tags].sort((a, b) => compareBytes(b, a));
}

/** `status.lastScanResult.latestTags`: the first 10 tags in descending byte-wise order (not a version sort). */
export function latestTags(tags: readonly string[]): string[] {
  return sortTagsDescending(tags).slice(0, 10);
}

/** What a scan stores for policies to read: exclusion applied, then descending byte-wise order. */
export function storedTags(tags: readonly string[], exclusionList?: readonly string[]): string[] {
  return sortTagsDescending(filterExcluded(tags, exclusionList));
}
