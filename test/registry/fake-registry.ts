/**
 * A small fake OCI registry on 127.0.0.1 for the client's unit tests: token auth with a realm on
 * the same server, tag pagination (`n`, `last`, `Link`), manifests and blobs, and scripted failures.
 */
import { createHash } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/** One request the fake saw. */
export interface SeenRequest {
  method: string;
  path: string;
  authorization?: string;
}

/** Behaviour of the fake. */
export interface FakeRegistryOptions {
  /** Tags by repository path (`acme/app`). */
  tags?: Record<string, string[]>;
  /** Require a bearer token from `/token`; with credentials, `/token` demands them as Basic auth. */
  auth?: { username?: string; password?: string; tokenField?: 'token' | 'access_token' };
  /** Page size when the client sends no `n` (registries such as GHCR and Docker Hub cap pages). */
  defaultPageSize?: number;
  /** How `Link` targets are written; `none` paginates by `n`/`last` without Link headers. */
  links?: 'relative' | 'absolute' | 'none';
  /** Answers given, in order, to the next API requests instead of the real ones. */
  failures?: Array<{ status: number; headers?: Record<string, string> }>;
}

/** A running fake registry. */
export interface FakeRegistry {
  origin: string;
  host: string;
  requests: SeenRequest[];
  /** Stores a manifest under `path` and `tag` (and its digest); returns the digest. */
  putManifest(path: string, tag: string | undefined, manifest: object, mediaType: string): string;
  /** Stores a blob; returns its digest. */
  putBlob(path: string, blob: Buffer): string;
  /** Stops the server; closing again does nothing. */
  close(): Promise<void>;
}

const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Starts a fake registry on an ephemeral 127.0.0.1 port. */
export async function startFakeRegistry(options: FakeRegistryOptions = {}): Promise<FakeRegistry> {
  const requests: SeenRequest[] = [];
  const failures = [...(options.failures ?? [])];
  const manifests = new Map<string, { body: Buffer; mediaType: string; digest: string }>();
  const blobs = new Map<string, Buffer>();
  const issued = new Set<string>();
  let origin = '';

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    const seen: SeenRequest = { method: req.method ?? 'GET', path: url.pathname + url.search };
    if (req.headers.authorization) seen.authorization = req.headers.authorization;
    requests.push(seen);

    if (url.pathname === '/token') {
      const { username, password, tokenField = 'token' } = options.auth ?? {};
      if (username !== undefined) {
        const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
        if (req.headers.authorization !== expected) return json(res, 401, { details: 'bad credentials' });
      }
      const token = `tok-${issued.size + 1}`;
      issued.add(token);
      return json(res, 200, { [tokenField]: token, expires_in: 300 });
    }

    const failure = failures.shift();
    if (failure) {
      res.writeHead(failure.status, failure.headers ?? {});
      return res.end();
    }

    const m = /^\/v2\/(.+)\/(tags\/list|manifests\/[^/]+|blobs\/[^/]+)$/.exec(url.pathname);
    if (!m) return json(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'no route' }] });
    const [, path, what] = m as unknown as [string, string, string];

    if (options.auth) {
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (!token || !issued.has(token)) {
        return json(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, {
          'www-authenticate': `Bearer realm="${origin}/token",service="fake-registry",scope="repository:${path}:pull"`,
        });
      }
    }

    if (what === 'tags/list') {
      const all = options.tags?.[path];
      if (!all) return json(res, 404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] });
      const sorted = [...all].sort();
      const last = url.searchParams.get('last');
      const n = url.searchParams.has('n') ? Number(url.searchParams.get('n')) : (options.defaultPageSize ?? sorted.length);
      const rest = last ? sorted.filter((t) => t > last) : sorted;
      const page = rest.slice(0, n);
      const headers: Record<string, string> = {};
      if (rest.length > n && options.links !== 'none') {
        const next = `/v2/${path}/tags/list?n=${n}&last=${encodeURIComponent(page[page.length - 1]!)}`;
        headers.link = `<${options.links === 'absolute' ? origin + next : next}>; rel="next"`;
      }
      return json(res, 200, { name: path, tags: page }, headers);
    }

    if (what.startsWith('manifests/')) {
      const found = manifests.get(`${path}@${decodeURIComponent(what.slice('manifests/'.length))}`);
      if (!found) return json(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] });
      res.writeHead(200, {
        'content-type': found.mediaType,
        'content-length': String(found.body.length),
        'docker-content-digest': found.digest,
      });
      return res.end(req.method === 'HEAD' ? undefined : found.body);
    }

    const blob = blobs.get(`${path}@${what.slice('blobs/'.length)}`);
    if (!blob) return json(res, 404, { errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown' }] });
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    return res.end(blob);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    host: `127.0.0.1:${port}`,
    requests,
    putManifest(path, tag, manifest, mediaType) {
      const body = Buffer.from(JSON.stringify(manifest));
      const digest = digestOf(body);
      const entry = { body, mediaType, digest };
      manifests.set(`${path}@${digest}`, entry);
      if (tag) manifests.set(`${path}@${tag}`, entry);
      return digest;
    },
    putBlob(path, blob) {
      const digest = digestOf(blob);
      blobs.set(`${path}@${digest}`, blob);
      return digest;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/**
 * For a test file: returns `start(options)`, which starts a fake registry that is closed after each
 * test, and the retry settings that keep failing cases fast.
 */
export function useFakeRegistry(): (options: FakeRegistryOptions) => Promise<FakeRegistry> {
  let registry: FakeRegistry | undefined;
  afterEach(async () => {
    await registry?.close();
    registry = undefined;
  });
  return async (options) => (registry = await startFakeRegistry(options));
}

/** Retry bounds that keep failing registry cases fast. */
export const FAST_RETRY = { retry: { retries: 2, minTimeout: 1, maxTimeout: 2 } };
