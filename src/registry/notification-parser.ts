/**
 * The contract of registry notification parsers (one file per provider in `notifications/`):
 * a provider's webhook body in, the tag pushes it announces out.
 */
import { parseImageRef } from '../core/image-update/image-ref.ts';
import type { Release } from '../core/image-update/release.ts';

/** A release announced by a registry notification; the planner decides whether anything uses it. */
export type ReleaseCandidate = Release;

/** Request headers as Node gives them (lowercase names). */
export type NotificationHeaders = Record<string, string | string[] | undefined>;

/** Per-provider settings a parser needs. */
export interface ParseOptions {
  /**
   * Registry host the GitOps repositories use for this provider's images (e.g. `registry.acme.io`),
   * overriding what the payload says: behind a proxy a registry often knows itself by another name.
   */
  registryHost?: string;
}

/** Parses one provider's notification body; throws NotificationShapeError when it is not that provider's format. */
export type NotificationParser = (body: unknown, headers: NotificationHeaders, options?: ParseOptions) => ReleaseCandidate[];

/** The body is JSON but not in the provider's notification format. */
export class NotificationShapeError extends Error {
  constructor(
    readonly provider: string,
    message: string,
  ) {
    super(`${provider} notification: ${message}`);
    this.name = 'NotificationShapeError';
  }
}

const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * A candidate for `host/path:tag`, canonicalised like image references in Git; undefined when the
 * name or tag is not valid (skipped rather than rejected: a registry retries a refused delivery forever).
 */
export function candidate(host: string, path: string, tag: unknown, digest?: unknown): ReleaseCandidate | undefined {
  if (typeof tag !== 'string' || !TAG.test(tag) || !host || !path) return undefined;
  let repository: string;
  try {
    const ref = parseImageRef(`${host}/${path.replace(/^\/+/, '')}`);
    if (ref.tag !== undefined || ref.digest !== undefined) return undefined;
    repository = ref.repository;
  } catch {
    return undefined;
  }
  const release: ReleaseCandidate = { repository, tag };
  if (typeof digest === 'string' && DIGEST.test(digest)) release.digest = digest;
  return release;
}

/** The host of a `host/path[:tag]` reference such as Harbor's `resource_url` or Quay's `docker_url`; undefined without a `/`. */
export function hostOfReference(ref: string): string | undefined {
  const slash = ref.indexOf('/');
  return slash < 0 ? undefined : ref.slice(0, slash);
}

/** True for a non-null, non-array object. */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Drops undefined entries and repeats of the same repository:tag. */
export function uniqueCandidates(list: Array<ReleaseCandidate | undefined>): ReleaseCandidate[] {
  const seen = new Set<string>();
  const out: ReleaseCandidate[] = [];
  for (const c of list) {
    if (!c) continue;
    const key = `${c.repository}:${c.tag}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}
