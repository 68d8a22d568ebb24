/** Small TagPolicy objects for tests (the real policies are injected by the engine). */
import type { TagPolicy } from '../../../src/core/policies/tag-policy.ts';

function parts(tag: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(tag);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** Semver-like policy over `x.y.z` tags; `major` restricts to one major version. */
export function semverPolicy(major?: number): TagPolicy {
  const accepts = (tag: string): boolean => {
    const p = parts(tag);
    return p !== undefined && (major === undefined || p[0] === major);
  };
  return {
    accepts,
    compare(a, b) {
      const pa = parts(a)!;
      const pb = parts(b)!;
      for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
      return 0;
    },
    select(tags) {
      const ok = tags.filter(accepts);
      if (ok.length === 0) throw new Error('no candidate');
      return ok.reduce((best, t) => (this.compare(t, best) > 0 ? t : best));
    },
    describe: () => (major === undefined ? 'semver "*"' : `semver "${major}.x"`),
  };
}

/** Flux v1 filter values used by the golden tests: `semver:<major>.x` or `glob:<prefix>*`. */
export function legacyPolicy(value: string): TagPolicy {
  const semver = /^semver:(\d+)\.x$/.exec(value);
  if (semver) return semverPolicy(Number(semver[1]));
  const glob = /^glob:(.*)\*$/.exec(value);
  if (glob) {
    const prefix = glob[1]!;
    return {
      accepts: (tag) => tag.startsWith(prefix),
      compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
      select: (tags) => [...tags].filter((t) => t.startsWith(prefix)).sort().at(-1)!,
      describe: () => `glob "${prefix}*"`,
    };
  }
  throw new Error(`unsupported filter ${value}`);
}
