/**
 * Versions as Flux's semver policy reads them: `fluxcd/pkg/version.ParseVersion` (exactly three
 * dot-separated parts) on top of Masterminds/semver v3 `NewVersion` (coercing: optional lowercase
 * `v`, missing minor/patch read as 0, leading zeros tolerated in major.minor.patch).
 */

/** A parsed semantic version; numbers are bigint because Go parses them as uint64. */
export interface SemVersion {
  readonly original: string;
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  /** Prerelease without the leading `-`, '' when none. */
  readonly prerelease: string;
  /** Build metadata without the leading `+`, '' when none; ignored for precedence. */
  readonly build: string;
}

const COERCIBLE = /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;
const UINT64_MAX = (1n << 64n) - 1n;

/** Masterminds `NewVersion`: the coercing parser; undefined when the text is not a version. */
export function parseSemVersion(text: string): SemVersion | undefined {
  const m = COERCIBLE.exec(text);
  if (!m) return undefined;
  const [major, minor, patch] = [m[1], m[2], m[3]].map((part) => BigInt(part ?? '0')) as [bigint, bigint, bigint];
  if (major > UINT64_MAX || minor > UINT64_MAX || patch > UINT64_MAX) return undefined;
  const prerelease = m[4] ?? '';
  // Numeric prerelease identifiers may not have leading zeros (semver 2.0.0 §9).
  if (prerelease.split('.').some((id) => /^0[0-9]+$/.test(id))) return undefined;
  return { original: text, major, minor, patch, prerelease, build: m[5] ?? '' };
}

/** Flux's `version.ParseVersion`: requires exactly three dot-separated parts, then coerces; undefined when skipped. */
export function parseFluxVersion(tag: string): SemVersion | undefined {
  // Go's strings.SplitN(tag, ".", 3) yields 3 parts exactly when the tag holds at least two dots.
  if (tag.split('.').length < 3) return undefined;
  return parseSemVersion(tag);
}

function compareBig(a: bigint, b: bigint): number {
  return a === b ? 0 : a > b ? 1 : -1;
}

function compareIdentifier(a: string, b: string): number {
  const an = /^[0-9]+$/.test(a);
  const bn = /^[0-9]+$/.test(b);
  if (an && bn) return compareBig(BigInt(a), BigInt(b));
  if (an !== bn) return an ? -1 : 1;
  return a === b ? 0 : a > b ? 1 : -1;
}

/** Semver precedence of two prerelease strings ('' = release, which ranks above any prerelease). */
export function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const x = as[i];
    const y = bs[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const c = compareIdentifier(x, y);
    if (c !== 0) return c;
  }
  return 0;
}

/** Semver precedence: major, minor, patch, then prerelease; build metadata is ignored. */
export function compareSemVersions(a: SemVersion, b: SemVersion): number {
  return (
    compareBig(a.major, b.major) ||
    compareBig(a.minor, b.minor) ||
    compareBig(a.patch, b.patch) ||
    comparePrerelease(a.prerelease, b.prerelease)
  );
}
