/** Compiles a Flux ImagePolicy spec into a TagPolicy: the one place that knows every implementation. */
import { alphabeticalPolicy } from './alphabetical-policy.ts';
import { filteredPolicy } from './filtered-policy.ts';
import { numericalPolicy } from './numerical-policy.ts';
import { semverPolicy } from './semver-policy.ts';
import { PolicyError, type ImagePolicySpec, type TagPolicy } from './tag-policy.ts';

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
