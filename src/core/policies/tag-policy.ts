/**
 * The contract every tag policy fulfils, and the error they throw. Policies follow Flux's ImagePolicy
 * semantics (image-reflector-controller); see test/conformance/flux-setters/NOTES.md §2. The
 * implementations live beside this file and `compilePolicy` (compile-policy.ts) picks one, so nothing
 * here imports an implementation.
 */

/** The `spec` of a Flux `image.toolkit.fluxcd.io/v1` ImagePolicy, as far as tag selection goes. */
export interface ImagePolicySpec {
  policy: {
    semver?: { range: string };
    alphabetical?: { order?: string };
    numerical?: { order?: string };
  };
  filterTags?: { pattern?: string; extract?: string };
}

/** A compiled tag policy. */
export interface TagPolicy {
  /** True when the tag passes filterTags and satisfies the policy (a candidate Flux could select). */
  accepts(tag: string): boolean;
  /** Positive when `a` ranks above `b` under this policy, negative when below, 0 when equal. Only meaningful for accepted tags. */
  compare(a: string, b: string): number;
  /** Flux's selection over a full tag list: the original tag of the winner; throws PolicyError when none qualifies. */
  select(tags: readonly string[]): string;
  /** Human-readable summary for PR bodies and warnings, e.g. `semver ">=1.0.0 <2.0.0"`. */
  describe(): string;
  /** Why `released` does not rank above `current` (the rule that refused it); absent = "ranks it below or equal". */
  explain?(released: string, current: string): string;
}

/** The sentence a refusal shows: the policy's own rule when it names one, else the plain ranking. */
export function whyNotNewer(policy: TagPolicy, released: string, current: string): string {
  const own = policy.explain?.(released, current);
  if (own) return own;
  return policy.compare(released, current) < 0
    ? `policy ${policy.describe()} ranks ${released} below the current ${current}; Courier never downgrades`
    : `policy ${policy.describe()} ranks ${released} equal to the current ${current}`;
}

/** An invalid policy or a selection with no candidate; `reason` mirrors Flux's condition reasons. */
export class PolicyError extends Error {
  constructor(
    message: string,
    readonly reason: 'InvalidPolicy' | 'NoCandidate',
  ) {
    super(message);
    this.name = 'PolicyError';
  }
}
