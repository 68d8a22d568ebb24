/**
 * Courier's rule for image references that carry no policy: **never downgrade, never change shape**.
 * A released tag replaces the current one only when both read as versions and the release is plainly
 * newer. Deliberately more lenient in parsing than Flux (which needs exactly `x.y.z`), and
 * deliberately more conservative in ordering, because nobody chose this policy.
 */
import { PolicyError, type TagPolicy } from './tag-policy.ts';

/** A tag read leniently as a version: `v`?, 1–4 numeric parts, optional `-suffix` and `+build`. */
export interface LenientVersion {
  readonly original: string;
  readonly numbers: readonly bigint[];
  /** Text after the first `-` of the version ('' when none): a prerelease (`rc.1`) or a flavour (`alpine`). */
  readonly suffix: string;
  readonly kind: 'stable' | 'prerelease' | 'flavour';
}

const LENIENT = /^v?([0-9]+(?:\.[0-9]+){0,3})(?:-([0-9A-Za-z][0-9A-Za-z._-]*))?(?:\+[0-9A-Za-z.-]+)?$/;
// Suffixes that announce a prerelease; anything else after `-` is a flavour or a build variant
// (`alpine`, `debian-12-r0`), which is not older than the plain version, only different.
const PRERELEASE = /^(alpha|beta|rc|pre|preview|dev|snapshot|canary|nightly|next)(?![A-Za-z])/i;

/** Reads a tag leniently (`1.25`, `v2.0.1`, `7.2.4-debian-12-r0`, `1.0.0-rc.1`); undefined when it is not a version. */
export function parseLenientVersion(tag: string): LenientVersion | undefined {
  const m = LENIENT.exec(tag);
  if (!m) return undefined;
  const suffix = m[2] ?? '';
  const kind = suffix === '' ? 'stable' : PRERELEASE.test(suffix) ? 'prerelease' : 'flavour';
  return { original: tag, numbers: (m[1] ?? '').split('.').map(BigInt), suffix, kind };
}

function compareNumbers(a: readonly bigint[], b: readonly bigint[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as bigint;
    const y = b[i] as bigint;
    if (x !== y) return x > y ? 1 : -1;
  }
  return 0;
}

/** Natural order: digit runs compare as numbers (`r10` > `r9`, `rc.10` > `rc.9`), other runs byte-wise. */
function naturalCompare(a: string, b: string): number {
  const as = a.match(/[0-9]+|[^0-9]+/g) ?? [];
  const bs = b.match(/[0-9]+|[^0-9]+/g) ?? [];
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const x = as[i] as string;
    const y = bs[i] as string;
    if (x === y) continue;
    if (/^[0-9]/.test(x) && /^[0-9]/.test(y)) return BigInt(x) > BigInt(y) ? 1 : -1;
    return x > y ? 1 : -1;
  }
  return Math.sign(as.length - bs.length);
}

const skeleton = (suffix: string): string => suffix.replace(/[0-9]+/g, '0');

/**
 * Whether tag `a` is newer (positive), older (negative) or the same (0) as `b` under the default
 * rule; undefined when Courier cannot tell. The rule, in order:
 * - both must parse (`parseLenientVersion`) with the same number of numeric parts (`1.25` never
 *   becomes `1.25.3`: a floating tag stays floating);
 * - stable vs stable: version order;
 * - flavour vs flavour (`7.2.4-debian-12-r0` → `7.2.5-debian-12-r1`): only the same flavour, i.e. the
 *   same suffix once digits are ignored; numbers first, then the suffix in natural order;
 * - prerelease vs prerelease: only within the same version (`1.3.0-rc.1` → `1.3.0-rc.2`);
 * - a stable tag ranks above a prerelease of the same or a lower version (`1.3.0-rc.2` → `1.3.0`),
 *   but a prerelease never replaces a stable tag, even a lower one (`1.2.3` ↛ `1.3.0-rc.1`);
 * - flavour vs stable or prerelease: cannot tell (`1.25.3-alpine` ↛ `1.25.4`).
 */
export function compareReleaseTags(a: string, b: string): number | undefined {
  const va = parseLenientVersion(a);
  const vb = parseLenientVersion(b);
  if (!va || !vb || va.numbers.length !== vb.numbers.length) return undefined;
  const byNumber = compareNumbers(va.numbers, vb.numbers);
  if (va.kind === 'stable' && vb.kind === 'stable') return byNumber;
  if (va.kind === 'flavour' && vb.kind === 'flavour') {
    if (skeleton(va.suffix) !== skeleton(vb.suffix)) return undefined;
    return byNumber || naturalCompare(va.suffix, vb.suffix);
  }
  if (va.kind === 'prerelease' && vb.kind === 'prerelease') {
    return byNumber === 0 ? naturalCompare(va.suffix, vb.suffix) : undefined;
  }
  if (va.kind === 'stable' && vb.kind === 'prerelease') return byNumber >= 0 ? 1 : undefined;
  if (va.kind === 'prerelease' && vb.kind === 'stable') return byNumber <= 0 ? -1 : undefined;
  return undefined;
}

/**
 * The policy for references without one. `accepts` is true for tags that read as versions;
 * `compare` is `compareReleaseTags` with "cannot tell" as 0, so `compare(released, current) > 0` means
 * "safe to update". `select` keeps the first tag and moves only to a tag that compares strictly
 * greater, so tags of another shape never win; Courier's engine uses accepts/compare for this policy.
 */
export function defaultReleasePolicy(): TagPolicy {
  return {
    accepts: (tag) => parseLenientVersion(tag) !== undefined,
    compare: (a, b) => compareReleaseTags(a, b) ?? 0,
    select(tags) {
      let best: string | undefined;
      for (const tag of tags) {
        if (!parseLenientVersion(tag)) continue;
        if (best === undefined || (compareReleaseTags(tag, best) ?? 0) > 0) best = tag;
      }
      if (best === undefined) {
        throw new PolicyError('no tag reads as a version; add an ImagePolicy to choose among these tags', 'NoCandidate');
      }
      return best;
    },
    describe: () => 'default (newer version of the same shape, never a downgrade)',
    explain: explainReleaseTags,
  };
}

/** Names the rule of compareReleaseTags that keeps `released` from replacing `current`. */
export function explainReleaseTags(released: string, current: string): string {
  const rule = 'the default policy (no policy is configured for this image)';
  const r = parseLenientVersion(released);
  const c = parseLenientVersion(current);
  if (!r) return `${released} does not read as a version, so ${rule} never selects it`;
  if (!c) return `the current tag ${current} does not read as a version, so ${rule} cannot tell whether ${released} is newer`;
  if (r.numbers.length !== c.numbers.length) {
    return `${released} has ${r.numbers.length} numeric parts and ${current} has ${c.numbers.length}: a different tag shape, which ${rule} never switches to (a floating tag stays floating)`;
  }
  const order = compareReleaseTags(released, current);
  if (order === undefined) {
    if (r.kind === 'prerelease' && c.kind === 'stable') return `${released} is a prerelease and the current ${current} is stable; ${rule} never moves a stable tag to a prerelease`;
    if (r.kind === 'stable' && c.kind === 'prerelease') return `${released} is a lower version than the prerelease ${current} pinned now; Courier never downgrades`;
    if (r.kind === 'prerelease' && c.kind === 'prerelease') return `${released} and ${current} are prereleases of different versions; ${rule} moves a prerelease only within its own version or to a stable release`;
    const flavour = (v: LenientVersion): string => (v.kind === 'flavour' ? `flavour "${v.suffix}"` : v.kind === 'prerelease' ? 'a prerelease' : 'no flavour');
    return `${released} (${flavour(r)}) and ${current} (${flavour(c)}) are different flavours; ${rule} only moves along the same flavour`;
  }
  if (order === 0) return `${released} is the same version as the current ${current}`;
  return `${released} is older than the current ${current}; Courier never downgrades`;
}
