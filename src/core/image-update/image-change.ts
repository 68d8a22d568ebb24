/** The image job's change record: the generic Change plus the image it moves and the setter behind it. */
import type { Change } from '../proposal/change.ts';

/** Which kind of image reference a change edited. */
export type ImageChangeReason =
  | 'setter'
  | 'kustomize-images'
  | 'flux-kustomization-images'
  | 'helm-values'
  | 'container'
  | 'postbuild-substitute'
  | 'legacy-annotation'
  /** A key naming an image (`image`, `*Image`) in any other kind: EnvoyProxy, system-upgrade Plan, CRDs. */
  | 'image-field'
  /** A string that is the released repository with a tag, under any key (ConfigMap data, env values). */
  | 'image-value'
  /** The `value` of a JSON6902 patch operation (patch files, inline `patches`). */
  | 'json6902-patch'
  /** `repository` + `tag`/`digest` keys outside HelmRelease values (values files behind `valuesFrom`). */
  | 'image-mapping'
  /** Inside an inline kustomize patch block (`patches[].patch: |`) of a kustomization, Flux Kustomization or HelmRelease post-renderer. */
  | 'inline-patch';

/** One edited image reference. */
export interface ImageChange extends Change {
  reason: ImageChangeReason;
  /** Canonical repository of the image this change is about, e.g. `ghcr.io/acme/app`. */
  image: string;
  /** The `$imagepolicy` marker value when the change came from a setter, e.g. `flux-system:app:tag`. */
  setter?: string;
}

/** The image images metadata a PR body carries, for supersede decisions. */
export interface ImageMetadataEntry {
  repository: string;
  tag: string;
  digest?: string;
  /**
   * Where the release came from, as the event said: kept so a release rebuilt from an open PR's
   * metadata (a later event widened by it) renders the same body and does not rewrite the PR.
   */
  source?: { url?: string; revision?: string; releaseNotesUrl?: string };
}
