/**
 * Where tag policies come from: `images:` in Courier's config, and the Flux `ImagePolicy` /
 * `ImageRepository` manifests committed in the repository (so setter markers written for in-cluster
 * automation keep working). Returns plain specs; the engine compiles them with `compilePolicy`.
 */
import type { CourierConfig, ImageConfig } from '../config/index.ts';
import { tryParseImageRef } from '../image-update/image-ref.ts';
import type { ImagePolicySpec } from '../policies/tag-policy.ts';
import { DEFAULT_NAMESPACE, type FluxImagePolicy, type FluxImageRepository, type RepoModel } from './flux-objects.ts';

/** A resolved policy: its spec, tags never to select, and where it was declared (for messages). */
export interface PolicyEntry {
  spec: ImagePolicySpec;
  exclusionList?: string[];
  /** `config` (`images:` in courier.yml) or the manifest file of the ImagePolicy. */
  from: string;
}

/** What a `$imagepolicy` marker resolves to: the image it names and its policy. */
export interface MarkerPolicy extends PolicyEntry {
  /** `spec.image` of the ImageRepository, as written. */
  imageName: string;
  /** The ImagePolicy's `spec.digestReflectionPolicy` (Never, IfNotPresent, Always) when set. */
  digestReflectionPolicy?: string;
}

/** Looks up policies by setter marker or by image repository. */
export interface PolicyIndex {
  /** The policy named by a marker `<ns>:<name>`; undefined when no such ImagePolicy (or its ImageRepository) is committed. */
  marker(namespace: string, name: string): MarkerPolicy | undefined;
  /** The policy for an image repository (any spelling): config first, then the repository's manifests. */
  forRepository(repository: string): PolicyEntry | undefined;
}

const canonical = (name: string): string => tryParseImageRef(name)?.repository ?? name;
const key = (namespace: string, name: string): string => `${namespace}/${name}`;

/** Indexes the config's image policies and (when `imagePolicies.fromRepository`) the repository's manifests. */
export function buildPolicyIndex(model: RepoModel, config: CourierConfig): PolicyIndex {
  const fromRepo = config.imagePolicies.fromRepository;
  const repositories = new Map<string, FluxImageRepository>();
  const policies = new Map<string, FluxImagePolicy>();
  if (fromRepo) {
    // First declaration wins, so results do not depend on anything but file order.
    for (const r of model.imageRepositories) {
      const k = key(r.namespace ?? DEFAULT_NAMESPACE, r.name);
      if (!repositories.has(k)) repositories.set(k, r);
    }
    for (const p of model.imagePolicies) {
      const k = key(p.namespace ?? DEFAULT_NAMESPACE, p.name);
      if (!policies.has(k)) policies.set(k, p);
    }
  }
  const configured = new Map<string, ImageConfig>();
  for (const image of config.images) configured.set(canonical(image.repository), image);

  const fromConfig = (repository: string): PolicyEntry | undefined => {
    const image = configured.get(canonical(repository));
    if (!image?.policy) return undefined;
    const spec: ImagePolicySpec = { policy: image.policy };
    if (image.filterTags) spec.filterTags = image.filterTags;
    return { spec, from: 'config', ...(image.exclusionList ? { exclusionList: image.exclusionList } : {}) };
  };

  const resolve = (policy: FluxImagePolicy): MarkerPolicy | undefined => {
    const repo = repositories.get(key(policy.imageRepositoryRef.namespace, policy.imageRepositoryRef.name));
    if (!repo) return undefined;
    const override = fromConfig(repo.image);
    if (override) return { ...override, imageName: repo.image };
    return {
      imageName: repo.image,
      spec: policy.spec,
      from: policy.file,
      ...(policy.digestReflectionPolicy ? { digestReflectionPolicy: policy.digestReflectionPolicy } : {}),
      ...(repo.exclusionList ? { exclusionList: repo.exclusionList } : {}),
    };
  };

  const byRepository = new Map<string, MarkerPolicy>();
  for (const policy of policies.values()) {
    const resolved = resolve(policy);
    if (resolved && !byRepository.has(canonical(resolved.imageName))) byRepository.set(canonical(resolved.imageName), resolved);
  }

  return {
    marker(namespace, name) {
      const policy = policies.get(key(namespace, name));
      return policy ? resolve(policy) : undefined;
    },
    forRepository(repository) {
      const entry = fromConfig(repository) ?? byRepository.get(canonical(repository));
      if (!entry) return undefined;
      const { spec, from, exclusionList } = entry;
      return { spec, from, ...(exclusionList ? { exclusionList } : {}) };
    },
  };
}
