/**
 * Container image references, parsed and normalised the way container tooling does
 * (github.com/distribution/reference): `[domain[:port]/]path[:tag][@digest]`, with Docker Hub's
 * `docker.io/library/` defaults.
 */

/** A parsed image reference. `repository` is canonical and is what references are compared by. */
export interface ImageRef {
  /** The text as written. */
  original: string;
  /** The name as written, without tag and digest (e.g. `nginx`). */
  name: string;
  /** Registry host, normalised (`docker.io` for Docker Hub). */
  domain: string;
  /** Path inside the registry, normalised (`library/nginx`). */
  path: string;
  /** Canonical `domain/path`, e.g. `docker.io/library/nginx`. */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Thrown for text that is not a valid image reference; `reason` says what is wrong. */
export class InvalidImageRefError extends Error {
  constructor(
    readonly ref: string,
    readonly reason: string,
  ) {
    super(`invalid image reference "${ref}": ${reason}`);
    this.name = 'InvalidImageRefError';
  }
}

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAINS = new Set(['index.docker.io', 'registry-1.docker.io']);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const NAME_MAX = 255;

/**
 * Why a release cannot be taken as it stands (a tag or digest outside the reference grammar), or
 * undefined when it can. Every channel (webhooks, registry notifications, dispatches, polling) applies
 * this one rule, so a tag like `zzz" securityContext: …` never reaches a pull request.
 */
export function releaseProblem(release: { repository: string; tag: string; digest?: string }): string | undefined {
  if (!TAG.test(release.tag)) return `tag ${JSON.stringify(release.tag)} of ${release.repository} is not a valid tag (it must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`;
  if (release.digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(release.digest)) {
    return `digest ${JSON.stringify(release.digest)} of ${release.repository}:${release.tag} is not sha256:<64 lowercase hex>`;
  }
  return undefined;
}

/** Parses an image reference or throws InvalidImageRefError. */
export function parseImageRef(text: string): ImageRef {
  const fail = (reason: string): never => {
    throw new InvalidImageRefError(text, reason);
  };
  if (text.length === 0) fail('it is empty');
  if (/\s/.test(text)) fail('it contains white space');

  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) fail(`digest "${digest}" is not of the form algorithm:hex`);
    if (digest.startsWith('sha256:') && !/^sha256:[a-f0-9]{64}$/.test(digest)) {
      fail('a sha256 digest has exactly 64 lowercase hex characters');
    }
  }

  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) fail(`tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }

  const name = rest;
  if (name.length === 0) fail('the repository name is empty');
  if (name.length > NAME_MAX) fail(`the repository name is longer than ${NAME_MAX} characters`);

  const slash = name.indexOf('/');
  const first = slash >= 0 ? name.slice(0, slash) : '';
  const hasDomain =
    slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  let domain = hasDomain ? first : DEFAULT_DOMAIN;
  let path = hasDomain ? name.slice(slash + 1) : name;
  if (hasDomain && !DOMAIN.test(domain)) fail(`registry host "${domain}" is not a valid host[:port]`);
  if (LEGACY_DEFAULT_DOMAINS.has(domain)) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;

  for (const component of path.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      fail(
        component === component.toLowerCase()
          ? `path component "${component}" must be lowercase letters and digits separated by ".", "_", "__" or "-"`
          : `repository name "${path}" must be lowercase`,
      );
    }
  }

  const ref: ImageRef = { original: text, name, domain, path, repository: `${domain}/${path}` };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** Parses an image reference, returning undefined instead of throwing. */
export function tryParseImageRef(text: string): ImageRef | undefined {
  try {
    return parseImageRef(text);
  } catch (err) {
    if (err instanceof InvalidImageRefError) return undefined;
    throw err;
  }
}

/** The canonical repository of a name written with or without registry, tag or digest. */
export function canonicalRepository(name: string): string {
  return parseImageRef(name).repository;
}

/** True when two names (any spelling, tags and digests ignored) denote the same repository. */
export function sameRepository(a: string, b: string): boolean {
  const ra = tryParseImageRef(a);
  const rb = tryParseImageRef(b);
  return ra !== undefined && rb !== undefined && ra.repository === rb.repository;
}

/** Formats `name[:tag][@digest]`, keeping the name as the caller wrote it. */
export function formatImageRef(name: string, tag?: string, digest?: string): string {
  return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}
