/** Flux's `semver` policy (image-reflector-controller `internal/policy/semver.go`). */
import { PolicyError } from './tag-policy.ts';
import { compareSemVersions, parseFluxVersion, type SemVersion } from './flux-version.ts';
import { parseSemverRange, SemverRangeError } from './semver-range.ts';
import { emptyListError, type ValuePolicy } from './value-policy.ts';

/**
 * Highest version satisfying the range, by semver precedence; values that are not versions per
 * `parseFluxVersion` are skipped, not errors. Ties (`1.0.0` vs `v1.0.0`) keep the first seen.
 */
export function semverPolicy(range: string): ValuePolicy {
  let parsed;
  try {
    parsed = parseSemverRange(range);
  } catch (err) {
    if (!(err instanceof SemverRangeError)) throw err;
    throw new PolicyError(`invalid policy: semver parse error: ${err.message}`, 'InvalidPolicy');
  }
  const candidate = (value: string): SemVersion | undefined => {
    const v = parseFluxVersion(value);
    return v && parsed.check(v) ? v : undefined;
  };
  return {
    accepts: (value) => candidate(value) !== undefined,
    compare(a, b) {
      const va = parseFluxVersion(a);
      const vb = parseFluxVersion(b);
      if (!va || !vb) return va ? 1 : vb ? -1 : 0;
      return compareSemVersions(va, vb);
    },
    latest(values) {
      if (values.length === 0) throw emptyListError();
      let best: SemVersion | undefined;
      for (const value of values) {
        const v = candidate(value);
        if (v && (!best || compareSemVersions(v, best) > 0)) best = v;
      }
      if (!best) throw new PolicyError('unable to determine latest version from provided list', 'NoCandidate');
      return best.original;
    },
    describe: () => `semver ${JSON.stringify(range)}`,
  };
}
