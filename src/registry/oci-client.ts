/**
 * OCI distribution client: the tags of a repository and what a tag points at.
 * https://github.com/opencontainers/distribution-spec/blob/main/spec.md
 */
import { createHash } from 'node:crypto';
import { RegistryError, RegistryProtocolError, RegistryUnavailable, RepositoryNotFound } from './errors.ts';
import { parseNextLink } from './http-headers.ts';
import { type AuthCache, type RegistryClientOptions, RegistryTransport } from './registry-transport.ts';

export type { FetchLike, RegistryClientOptions, RegistryCredentials } from './registry-transport.ts';

/** Options of one `listTags` call. */
export interface ListTagsOptions {
  /** Page size sent as `n`; undefined lets the registry choose (it still paginates with `Link`). */
  pageSize?: number;
  /** Stops a registry that paginates forever; default 1,000 pages. */
  maxPages?: number;
}

/** What a tag points at. */
export interface ManifestInfo {
  /** `sha256:…` of the manifest or index the tag names. */
  digest: string;
  mediaType?: string;
  /** The image config's labels (of the first platform for an index) when they were fetched. */
  labels?: Record<string, string>;
  /** From `org.opencontainers.image.source` / `.revision`, in the shape of `Release.source`. */
  source?: { url?: string; revision?: string };
  /** Why labels are missing when fetching them failed; the digest is still right. */
  labelsError?: string;
}

/** Options of one `getManifestInfo` call. */
export interface ManifestInfoOptions {
  /** Fetch the config blob for OCI labels (1–2 extra GETs). Default true; false uses one HEAD request. */
  labels?: boolean;
}

/** A registry client; reuses bearer tokens across calls until they expire. */
export interface RegistryClient {
  listTags(repository: string, options?: ListTagsOptions): Promise<string[]>;
  getManifestInfo(repository: string, tag: string, options?: ManifestInfoOptions): Promise<ManifestInfo>;
}

const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
};
const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest].join(', ');
/** Distribution refuses manifests above 4 MiB; anything larger is not a manifest. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Creates a client; options hold credentials, insecure hosts, retry bounds and an injectable fetch. */
export function createRegistryClient(options: RegistryClientOptions = {}): RegistryClient {
  const cache: AuthCache = new Map();
  const transport = (repository: string) => new RegistryTransport(repository, options, cache);
  return {
    listTags: async (repository, opts) => listTagsWith(transport(repository), opts),
    getManifestInfo: async (repository, tag, opts) => manifestInfoWith(transport(repository), tag, opts),
  };
}

/** All tags of a canonical repository (`ghcr.io/acme/app`, `docker.io/library/nginx`), following pagination. */
export function listTags(repository: string, options: RegistryClientOptions & ListTagsOptions = {}): Promise<string[]> {
  return createRegistryClient(options).listTags(repository, options);
}

/** Digest, and when cheap the OCI source labels, of `repository:tag`. */
export function getManifestInfo(
  repository: string,
  tag: string,
  options: RegistryClientOptions & ManifestInfoOptions = {},
): Promise<ManifestInfo> {
  return createRegistryClient(options).getManifestInfo(repository, tag, options);
}

async function listTagsWith(t: RegistryTransport, opts: ListTagsOptions = {}): Promise<string[]> {
  const first = new URL(`/v2/${t.path}/tags/list`, t.origin);
  if (opts.pageSize !== undefined) first.searchParams.set('n', String(opts.pageSize));
  const maxPages = opts.maxPages ?? 1000;
  const seen = new Set<string>();
  let url: URL | undefined = first;
  for (let page = 0; url; page++) {
    if (page >= maxPages) {
      throw new RegistryProtocolError(`tag list of ${t.repository} has more than ${maxPages} pages`, t.repository);
    }
    const res = await t.send(url, 'GET', 'application/json');
    const pageTags = tagsOf(await readJson(res, t.repository, MAX_MANIFEST_BYTES), t.repository);
    const before = seen.size;
    for (const tag of pageTags) seen.add(tag);
    const next = parseNextLink(res.headers.get('link'));
    if (next !== undefined) {
      url = new URL(next, url);
    } else if (opts.pageSize !== undefined && pageTags.length === opts.pageSize && seen.size > before) {
      // A full page without Link: continue after its last tag (the spec's `last`). A longer page means
      // the registry ignored `n` (Distribution 2.8 does) and already sent everything.
      url = new URL(first);
      url.searchParams.set('last', pageTags[pageTags.length - 1]!);
    } else {
      url = undefined;
    }
  }
  return [...seen];
}

function tagsOf(body: unknown, repository: string): string[] {
  const tags = (body as { tags?: unknown } | null)?.tags;
  // Distribution answers `"tags": null` for a repository whose tags were all deleted.
  if (tags === null || tags === undefined) return [];
  if (!Array.isArray(tags) || !tags.every((x) => typeof x === 'string')) {
    throw new RegistryProtocolError(`tag list of ${repository} is not {"tags": [string]}`, repository);
  }
  return tags;
}

async function manifestInfoWith(t: RegistryTransport, tag: string, opts: ManifestInfoOptions = {}): Promise<ManifestInfo> {
  const url = new URL(`/v2/${t.path}/manifests/${encodeURIComponent(tag)}`, t.origin);
  try {
    if (opts.labels === false) {
      const head = await t.send(url, 'HEAD', MANIFEST_ACCEPT);
      const digest = head.headers.get('docker-content-digest');
      // HEAD does not count as a pull on Docker Hub; fall back to GET only when the digest is missing.
      if (digest && DIGEST.test(digest)) return withMediaType({ digest }, head.headers.get('content-type'));
    }
    const res = await t.send(url, 'GET', MANIFEST_ACCEPT);
    const bytes = await readBytes(res, t.repository, MAX_MANIFEST_BYTES);
    const header = res.headers.get('docker-content-digest');
    const digest = header && DIGEST.test(header) ? header : `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const info = withMediaType({ digest }, res.headers.get('content-type'));
    if (opts.labels === false) return info;
    try {
      const labels = await configLabels(t, JSON.parse(bytes.toString('utf8')));
      info.labels = labels;
      const url = labels['org.opencontainers.image.source'];
      const revision = labels['org.opencontainers.image.revision'];
      if (url || revision) info.source = { ...(url ? { url } : {}), ...(revision ? { revision } : {}) };
    } catch (err) {
      // Labels only enrich a PR body; the digest stands without them.
      if (!(err instanceof RegistryError || err instanceof SyntaxError)) throw err;
      info.labelsError = err.message;
    }
    return info;
  } catch (err) {
    if (err instanceof RepositoryNotFound && err.tag === undefined) {
      throw new RepositoryNotFound(`${t.repository}:${tag} not found: ${err.message}`, t.repository, tag);
    }
    throw err;
  }
}

function withMediaType(info: ManifestInfo, contentType: string | null): ManifestInfo {
  const mediaType = contentType?.split(';')[0]?.trim();
  if (mediaType) info.mediaType = mediaType;
  return info;
}

interface ManifestJson {
  mediaType?: string;
  config?: { digest?: string };
  manifests?: Array<{ digest?: string; platform?: { os?: string } }>;
}

/** Labels of the image config; for an index, of its first real platform (attestations say `unknown`). */
async function configLabels(t: RegistryTransport, manifest: ManifestJson): Promise<Record<string, string>> {
  if (Array.isArray(manifest.manifests)) {
    const pick = manifest.manifests.find((m) => m.platform?.os !== 'unknown') ?? manifest.manifests[0];
    if (!pick?.digest || !DIGEST.test(pick.digest)) throw new RegistryProtocolError('index lists no manifest', t.repository);
    const res = await t.send(new URL(`/v2/${t.path}/manifests/${pick.digest}`, t.origin), 'GET', MANIFEST_ACCEPT);
    return configLabels(t, (await readJson(res, t.repository, MAX_MANIFEST_BYTES)) as ManifestJson);
  }
  const digest = manifest.config?.digest;
  if (!digest || !DIGEST.test(digest)) throw new RegistryProtocolError('manifest has no config digest', t.repository);
  const res = await t.send(new URL(`/v2/${t.path}/blobs/${digest}`, t.origin), 'GET', 'application/json');
  const config = (await readJson(res, t.repository, MAX_CONFIG_BYTES)) as { config?: { Labels?: unknown } } | null;
  const labels = config?.config?.Labels;
  const out: Record<string, string> = {};
  if (labels && typeof labels === 'object') {
    for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

async function readBytes(res: Response, repository: string, limit: number): Promise<Buffer> {
  const length = Number(res.headers.get('content-length') ?? '0');
  if (length > limit) {
    await res.body?.cancel();
    throw new RegistryProtocolError(`response of ${length} bytes exceeds ${limit}`, repository);
  }
  // Streamed with a running count: a body without (or lying about) its length stops at the limit.
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += chunk.byteLength;
      if (size > limit) {
        await res.body?.cancel().catch(() => undefined);
        throw new RegistryProtocolError(`response exceeds ${limit} bytes`, repository);
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (err) {
    if (err instanceof RegistryProtocolError) throw err;
    // The request's deadline also covers the body; a registry that stalls mid-answer is unavailable.
    const cause = err instanceof Error && err.name === 'TimeoutError' ? 'no complete answer in time' : (err as Error).message;
    throw new RegistryUnavailable(`registry answer broke off: ${cause}`, repository);
  }
  return Buffer.concat(chunks);
}

async function readJson(res: Response, repository: string, limit: number): Promise<unknown> {
  const bytes = await readBytes(res, repository, limit);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new RegistryProtocolError(`registry answered invalid JSON`, repository);
  }
}
