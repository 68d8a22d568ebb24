/**
 * The cross-file half of postBuild variables: an app folder writes `image: repo:${APP_VERSION}` and
 * each cluster's Flux Kustomization sets `spec.postBuild.substitute.APP_VERSION`. The bump edits the
 * variable in the clusters of the environment being changed, and nowhere else.
 */
import type { CourierConfig } from '../config/index.ts';
import { formatImageRef, tryParseImageRef } from './image-ref.ts';
import { fillVariables, parseImageTemplate, SubstituteError, updateSubstitute, type PolicyResolver, type VariableUse } from './index.ts';
import { defaultReleasePolicy } from '../policies/default-release-policy.ts';
import { membership, substitutionsFor, type RepoModel, type Substitution } from '../repo-model/index.ts';
import { whyNotNewer, type TagPolicy } from '../policies/tag-policy.ts';
import type { Warning } from '../proposal/change.ts';
import type { Release } from './release.ts';
import type { ImageChange } from './image-change.ts';

/** Input of applyVariableUses; `texts` holds the current (possibly already edited) file texts and is updated. */
export interface VariableInput {
  variables: readonly VariableUse[];
  release: Release;
  environment: string;
  model: RepoModel;
  config: CourierConfig;
  texts: Map<string, string>;
  policies: PolicyResolver;
}

/** Edits the substitutes that feed the given variable uses, in the environment's cluster files only. */
export function applyVariableUses(input: VariableInput): { changes: ImageChange[]; warnings: Warning[] } {
  const { release, environment, model, config, texts } = input;
  const changes: ImageChange[] = [];
  const warnings: Warning[] = [];
  const done = new Set<string>();
  const policy = input.policies.forRepository(release.repository) ?? defaultReleasePolicy();

  for (const use of input.variables) {
    const subs = substitutionsFor(use.file, use.variable, model, config).filter(
      (s) => membership(s.file, model, config).env === environment,
    );
    if (subs.length === 0) {
      if (use.repository !== '') warnings.push(unsetWarning(use, environment));
      continue;
    }
    for (const sub of subs) {
      const key = `${sub.file}\0${sub.kustomization.namespace ?? ''}\0${sub.kustomization.name}\0${use.variable}`;
      if (done.has(key)) continue;
      // A name with variables may denote another registry in this cluster: resolve it there.
      if (use.role !== 'image' && parseImageTemplate(use.template).name.includes('${') && !nameResolvesTo(use, sub, model, release.repository)) continue;
      const next = newValue(use, sub.value, release, policy);
      if (next.warning) {
        warnings.push({ code: next.warning.code, file: sub.file, line: sub.line, field: `spec.postBuild.substitute.${use.variable}`, message: next.warning.message });
        continue;
      }
      if (next.value === undefined) continue;
      done.add(key);
      try {
        const result = updateSubstitute({ path: sub.file, text: texts.get(sub.file)! }, sub.kustomization, use.variable, next.value, release.repository);
        texts.set(sub.file, result.text);
        if (result.change) changes.push({ ...result.change, why: `${use.file}:${use.line} uses \${${use.variable}} in ${use.template}` });
      } catch (err) {
        if (!(err instanceof SubstituteError)) throw err;
        warnings.push({ code: 'substitute-not-written', file: sub.file, line: sub.line, message: err.message });
      }
    }
  }
  return { changes, warnings };
}

type Next = { value?: string; warning?: { code: string; message: string } };

/** The variable's new value, nothing when it is already current or not about this image, or a refusal. */
function newValue(use: VariableUse, current: string, release: Release, policy: TagPolicy): Next {
  if (use.role === 'image') {
    const ref = tryParseImageRef(current);
    if (!ref || ref.repository !== release.repository || !ref.tag) return {};
    return decide(ref.tag, release, policy, formatImageRef(ref.name, release.tag, ref.digest ? release.digest : undefined), use);
  }
  if (use.role === 'digest') {
    if (!release.digest || current === release.digest) return {};
    return { value: release.digest };
  }
  const template = parseImageTemplate(use.template);
  const tag = template.tag;
  const inTag = template.variables.filter((v) => v.role === 'tag');
  if (!tag || inTag.length !== 1) {
    return { warning: { code: 'variable-not-understood', message: `${use.file}:${use.line} builds the tag of ${use.template} from several variables; Courier cannot tell which to change` } };
  }
  const v = inTag[0]!;
  const prefix = use.template.slice(tag.start, v.start);
  const suffix = use.template.slice(v.end, tag.end);
  const currentTag = `${prefix}${current}${suffix}`;
  if (!release.tag.startsWith(prefix) || !release.tag.endsWith(suffix) || release.tag.length < prefix.length + suffix.length) {
    return { warning: { code: 'policy-refused', message: `tag ${release.tag} does not fit ${use.template} (the tag must look like ${prefix}…${suffix}); left at ${currentTag}` } };
  }
  return decide(currentTag, release, policy, release.tag.slice(prefix.length, release.tag.length - suffix.length), use);
}

function decide(currentTag: string, release: Release, policy: TagPolicy, value: string, use: VariableUse): Next {
  if (currentTag === release.tag) return {};
  if (!policy.accepts(release.tag) || policy.compare(release.tag, currentTag) <= 0) {
    return {
      warning: {
        code: 'not-newer',
        message: `\${${use.variable}} stays at ${currentTag}: ${policy.accepts(release.tag) ? whyNotNewer(policy, release.tag, currentTag) : `policy ${policy.describe()} refused tag ${release.tag}`}`,
      },
    };
  }
  return { value };
}

function unsetWarning(use: VariableUse, environment: string): Warning {
  return {
    code: 'variable-unset',
    file: use.file,
    line: use.line,
    field: use.field,
    message: `${use.template} uses \${${use.variable}}, but no Flux Kustomization of environment ${environment} sets it in spec.postBuild.substitute (substituteFrom ConfigMaps and Secrets live in the cluster and are not followed); set it there so Courier can bump it`,
  };
}

/** For `${REGISTRY}/app:${TAG}`: fills the name's variables from the same Kustomization and compares repositories. */
function nameResolvesTo(use: VariableUse, sub: Substitution, model: RepoModel, repository: string): boolean {
  const k = model.kustomizations.find((x) => x.file === sub.file && x.name === sub.kustomization.name);
  if (!k) return false;
  const name = fillVariables(parseImageTemplate(use.template).name, (v) => k.substitute.get(v)?.value);
  return tryParseImageRef(name)?.repository === repository;
}
