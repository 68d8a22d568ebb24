/**
 * `repository_dispatch` with event type `courier-image` → one release. Sent by CI after a push:
 * `POST /repos/{owner}/{repo}/dispatches {"event_type":"courier-image","client_payload":{"image":"ghcr.io/acme/app","tag":"1.2.3","digest":"sha256:…"}}`.
 */
import { InvalidImageRefError, parseImageRef } from '../core/image-update/image-ref.ts';
import type { Release } from '../core/image-update/release.ts';
import { ignored, type Normalised } from './normalised.ts';

/** The dispatch event type Courier listens to. */
export const DISPATCH_TYPE = 'courier-image';

const TAG = /^[\w][\w.-]{0,127}$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;

/** The release a `courier-image` dispatch announces; invalid payloads yield a reason saying what to fix. */
export function releaseFromDispatch(payload: { action?: string; client_payload?: unknown }): Normalised {
  if (payload.action !== DISPATCH_TYPE) return ignored(`repository_dispatch type "${payload.action}" is not "${DISPATCH_TYPE}"`);
  const body = payload.client_payload;
  const fix = 'send client_payload {"image": "<registry>/<name>", "tag": "<tag>", "digest"?: "sha256:<64 hex>"}';
  if (typeof body !== 'object' || body === null) return ignored(`courier-image dispatch without client_payload: ${fix}`);
  const { image, tag, digest } = body as Record<string, unknown>;
  if (typeof image !== 'string' || image === '') return ignored(`courier-image dispatch: client_payload.image is missing: ${fix}`);
  let ref;
  try {
    ref = parseImageRef(image);
  } catch (err) {
    if (err instanceof InvalidImageRefError) return ignored(`courier-image dispatch: client_payload.image: ${err.message}`);
    throw err;
  }
  const finalTag = tag ?? ref.tag;
  if (typeof finalTag !== 'string' || !TAG.test(finalTag)) {
    return ignored(`courier-image dispatch: client_payload.tag ${JSON.stringify(tag)} is not a valid tag: ${fix}`);
  }
  if (ref.tag !== undefined && tag !== undefined && ref.tag !== tag) {
    return ignored(`courier-image dispatch: image carries tag "${ref.tag}" but client_payload.tag is "${String(tag)}"`);
  }
  const finalDigest = digest ?? ref.digest;
  if (finalDigest !== undefined && (typeof finalDigest !== 'string' || !SHA256.test(finalDigest))) {
    return ignored(`courier-image dispatch: client_payload.digest ${JSON.stringify(digest)} is not sha256:<64 lowercase hex>`);
  }
  const release: Release = { repository: ref.repository, tag: finalTag };
  if (finalDigest) release.digest = finalDigest;
  return { releases: [release] };
}
