/**
 * The Flux objects Courier reads from a GitOps repository, reduced to the fields its features use.
 * Every object records its file and the 1-based line of its document so messages can point at it.
 */
import type { ImagePolicySpec } from '../policies/tag-policy.ts';
import type { Warning } from '../proposal/change.ts';

/** Where an object was found. */
export interface Located {
  file: string;
  /** 1-based line where the object's document starts. */
  line: number;
  apiVersion: string;
  name: string;
  /** As written; undefined when the manifest leaves it to the applying Kustomization. */
  namespace?: string;
}

/** A scalar value with the line it sits on. */
export interface LocatedValue {
  value: string;
  line: number;
  /** True when written as an alias (`APP: *app`): the value is the anchor's, and it is edited there, never here. */
  alias?: true;
}

/** A `kustomize.toolkit.fluxcd.io` Kustomization (any version). */
export interface FluxKustomization extends Located {
  /** `spec.path` as a repo-relative POSIX folder without `./` or trailing `/`; `''` is the repository root. */
  path: string;
  sourceRef?: { kind: string; name: string; namespace?: string };
  /** `spec.postBuild.substitute`: variable → value and line. */
  substitute: Map<string, LocatedValue>;
  /** `spec.images` entries (Kustomize image overrides). */
  images: Array<{ name: string; newName?: string; newTag?: string; digest?: string; line: number }>;
  /** `spec.components`, resolved against `path` to repo-relative folders (absent when none). */
  components?: string[];
}

/** A Flux source object (`source.toolkit.fluxcd.io` GitRepository, OCIRepository, Bucket, HelmRepository; ExternalArtifact). */
export interface FluxSource extends Located {
  kind: string;
  /** GitRepository `spec.ignore`: gitignore lines, relative to the repository root. */
  ignore?: string;
}

/** A `helm.toolkit.fluxcd.io` HelmRelease (any version). */
export interface FluxHelmRelease extends Located {
  chart?: { chart?: string; version?: string; sourceRef?: { kind: string; name: string; namespace?: string } };
  /** True when `spec.values` is a non-empty map. */
  hasValues: boolean;
}

/** An `image.toolkit.fluxcd.io` ImagePolicy. */
export interface FluxImagePolicy extends Located {
  /** `spec.imageRepositoryRef`, namespace defaulted to the policy's own. */
  imageRepositoryRef: { name: string; namespace: string };
  spec: ImagePolicySpec;
  digestReflectionPolicy?: string;
}

/** An `image.toolkit.fluxcd.io` ImageRepository. */
export interface FluxImageRepository extends Located {
  /** `spec.image` as written, e.g. `ghcr.io/acme/app`. */
  image: string;
  exclusionList?: string[];
}

/** A Kustomize kustomization file and the repo-relative files or folders it references (`resources`, `components`, `bases`). */
export interface KustomizeFile {
  file: string;
  references: string[];
  /** Other local files kustomize reads (patch files, generator files, replacements…); absent when none. */
  inputs?: string[];
}

/** Everything the repository model knows about a repository, built from its files alone. */
export interface RepoModel {
  /** Every file path given to the model, in input order. */
  paths: string[];
  kustomizations: FluxKustomization[];
  helmReleases: FluxHelmRelease[];
  imagePolicies: FluxImagePolicy[];
  imageRepositories: FluxImageRepository[];
  /** Flux source objects committed in the repository (what Kustomizations read from). */
  sources: FluxSource[];
  /** Kustomize `kustomization.yaml` files and the local files/folders they pull in. */
  kustomizeFiles: KustomizeFile[];
  /** Committed `.sourceignore` files by folder (`''` = root): source-controller leaves out what they match. */
  sourceIgnores: { dir: string; text: string }[];
  /** Files or objects that could not be read; the rest of the repository is still modelled. */
  warnings: Warning[];
}

/** The namespace Kubernetes gives an object whose manifest names none (a Flux Kustomization's targetNamespace may differ). */
export const DEFAULT_NAMESPACE = 'default';
