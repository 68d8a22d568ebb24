/**
 * Turns the repository's policy index (plain specs from config and ImagePolicy manifests) into the
 * compiled policies the rewriters ask for. A policy that does not compile refuses every tag and is
 * reported once, at the file that declares it, so one bad manifest never blocks other images.
 */
import { CONFIG_PATH, type CourierConfig } from '../config/index.ts';
import type { PolicyResolver } from './index.ts';
import { compileExclusions, exclusionListFromSpec } from '../policies/exclusion.ts';
import { buildPolicyIndex, type PolicyEntry, type RepoModel } from '../repo-model/index.ts';
import { compilePolicy } from '../policies/compile-policy.ts';
import { PolicyError, type TagPolicy } from '../policies/tag-policy.ts';
import type { Warning } from '../proposal/change.ts';

/** Builds a caching resolver; compile problems are appended to `warnings`. */
export function buildPolicyResolver(model: RepoModel, config: CourierConfig, warnings: Warning[]): PolicyResolver {
  const index = buildPolicyIndex(model, config);
  const compiled = new Map<PolicyEntry['spec'], TagPolicy>();

  const compile = (entry: PolicyEntry): TagPolicy => {
    let policy = compiled.get(entry.spec);
    if (policy) return policy;
    try {
      policy = withExclusions(compilePolicy(entry.spec), entry.exclusionList);
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      warnings.push({
        code: 'invalid-policy',
        file: entry.from === 'config' ? CONFIG_PATH : entry.from,
        message: `${err.message}; fix the policy (${entry.from === 'config' ? 'images[] in .github/courier.yml' : 'ImagePolicy manifest'}) — until then its images are not updated`,
      });
      policy = refuseAll(err.message);
    }
    compiled.set(entry.spec, policy);
    return policy;
  };

  return {
    marker(namespace, name) {
      const entry = index.marker(namespace, name);
      if (!entry) return undefined;
      const reflectDigest = entry.digestReflectionPolicy !== undefined && entry.digestReflectionPolicy !== 'Never';
      return { imageName: entry.imageName, policy: compile(entry), ...(reflectDigest ? { reflectDigest } : {}) };
    },
    forRepository(repository) {
      const entry = index.forRepository(repository);
      return entry ? compile(entry) : undefined;
    },
  };
}

/** Applies an ImageRepository exclusion list (Flux semantics: absent or empty = the default list). */
function withExclusions(policy: TagPolicy, exclusionList: readonly string[] | undefined): TagPolicy {
  // Compiled here, once: a bad pattern is then reported as an invalid policy, and accepts() stays cheap.
  const excluded = compileExclusions(exclusionListFromSpec(exclusionList));
  return {
    accepts: (tag) => !excluded(tag) && policy.accepts(tag),
    compare: (a, b) => policy.compare(a, b),
    select: (tags) => policy.select(tags.filter((tag) => !excluded(tag))),
    describe: () => policy.describe(),
  };
}

function refuseAll(reason: string): TagPolicy {
  return {
    accepts: () => false,
    compare: () => 0,
    select: () => {
      throw new PolicyError(reason, 'InvalidPolicy');
    },
    describe: () => `invalid policy (${reason})`,
  };
}
