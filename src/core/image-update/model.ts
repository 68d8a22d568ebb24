/** Shapes shared by the image-reference rewriters. */
import type { ObjectRef, Warning } from '../proposal/change.ts';
import type { Release } from './release.ts';
import type { TagPolicy } from '../policies/tag-policy.ts';
import type { ImageChange } from './image-change.ts';

/** What a marker's policy resolves to: the ImageRepository image as written, and the compiled policy. */
export interface MarkerPolicy {
  /** `ImageRepository.spec.image` as written (what `:name` markers receive). */
  imageName: string;
  policy: TagPolicy;
  /** The ImagePolicy reflects digests (`digestReflectionPolicy` IfNotPresent/Always): full-form markers then get `@digest`, as Flux writes them. */
  reflectDigest?: boolean;
}

/** Looks up policies for markers and for unmarked references (injected; the engine knows the repo's manifests and config). */
export interface PolicyResolver {
  /** The repo's ImagePolicy `ns:name` (or Courier config policy with that id); undefined = unknown policy (warn). */
  marker(namespace: string, name: string): MarkerPolicy | undefined;
  /** Policy for unmarked references of this canonical repository; undefined = caller's default (never downgrade). */
  forRepository(repository: string): TagPolicy | undefined;
}

/** Everything one file update needs besides the file. */
export interface FileUpdateContext {
  release: Release;
  policies: PolicyResolver;
  defaultPolicy: TagPolicy;
  /** Compiles a Flux v1 `filter.fluxcd.io/<container>` value (`semver:~1.0`, `glob:*`, `regex:…`); absent = legacy filters ignored. */
  legacyPolicy?: (value: string) => TagPolicy;
}

/** An image value built from Flux postBuild variables: the engine edits the variable where a cluster sets it. */
export interface VariableUse {
  file: string;
  line: number;
  variable: string;
  /** Canonical repository the reference denotes; '' when the whole image is one variable (check the substitute's value). */
  repository: string;
  role: 'tag' | 'digest' | 'image';
  field: string;
  object: ObjectRef | null;
  /** The scalar as written, e.g. `ghcr.io/acme/app:${APP_VERSION}`. */
  template: string;
}

/** The result of updating one file: its new text (identical when nothing changed) and the records of why. */
export interface FileUpdate {
  text: string;
  changes: ImageChange[];
  warnings: Warning[];
  variables: VariableUse[];
}
