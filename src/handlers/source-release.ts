/**
 * `release.published` in a source repository → releases of the images a GitOps config maps to it
 * (`images[].source.repository`, written `owner/name` or as a URL). The image tag is the release's
 * tag name as published; the planner's tag policy decides whether it is taken.
 */
import { tryParseImageRef } from '../core/image-update/image-ref.ts';
import type { Release } from '../core/image-update/release.ts';
import type { CourierConfigLike } from '../app-deps.ts';
import { ignored, type Normalised } from './normalised.ts';

interface ReleasePayloadLike {
  action?: string;
  release: { tag_name: string; html_url?: string; draft?: boolean };
  repository: { full_name: string; html_url?: string };
}

/** Releases of the images `config` maps to the released source repository. */
export function releasesFromSourceRelease(payload: ReleasePayloadLike, config: CourierConfigLike): Normalised {
  if (payload.release.draft) return ignored(`release ${payload.release.tag_name} is a draft`);
  const source = payload.repository.full_name.toLowerCase();
  // The schema allows `owner/repo` only; GitHub names are case-insensitive.
  const images = (config.images ?? []).filter((image) => image.source?.repository.toLowerCase() === source);
  if (images.length === 0) return ignored(`no image of this config is built from ${payload.repository.full_name}`);
  const releases: Release[] = [];
  for (const image of images) {
    const ref = tryParseImageRef(image.repository);
    if (!ref) continue;
    const release: Release = { repository: ref.repository, tag: payload.release.tag_name, source: {} };
    if (payload.repository.html_url) release.source!.url = payload.repository.html_url;
    release.source!.revision = payload.release.tag_name;
    if (payload.release.html_url) release.source!.releaseNotesUrl = payload.release.html_url;
    releases.push(release);
  }
  return { releases };
}
