/**
 * The contract every tag policy fulfils. Policies follow Flux's ImagePolicy semantics
 * (image-reflector-controller); see shared/conformance/flux-setters/NOTES.md §2.
 */
import { alphabeticalPolicy } from './policies/alphabetical-policy.ts';
import { filteredPolicy } from './policies/filtered-policy.ts';
import { numericalPolicy } from './policies/numerical-policy.ts';
import { semverPolicy } from './policies/semver-policy.ts';

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

/**
 * Compiles an ImagePolicy spec the way image-reflector-controller does: exactly one of semver,
 * alphabetical, numerical, plus optional filterTags. Throws PolicyError (InvalidPolicy) for an
 * invalid policy, range, order or pattern.
 */
export function compilePolicy(spec: ImagePolicySpec): TagPolicy {
  const choice = spec.policy ?? {};
  const chosen = [choice.semver, choice.alphabetical, choice.numerical].filter((c) => c !== undefined).length;
  if (chosen !== 1) {
    throw new PolicyError('invalid policy: given ImagePolicyChoice object is invalid', 'InvalidPolicy');
  }
  const rule = choice.semver
    ? semverPolicy(choice.semver.range)
    : choice.alphabetical
      ? alphabeticalPolicy(choice.alphabetical.order)
      : numericalPolicy(choice.numerical?.order);
  return filteredPolicy(rule, spec.filterTags);
}
