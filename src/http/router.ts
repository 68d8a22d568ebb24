/**
 * Plain HTTP routes served beside Probot's webhook route: `/healthz`, `/metrics` and the injected
 * routes (registry notifications, cluster reports). Bodies are read raw — route handlers check HMACs
 * over the exact bytes — and capped so a client cannot make the server buffer without limit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRoute } from '../app-deps.ts';

/** The largest request body a route accepts; larger → 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A node request listener that returns false when no route matched (Probot handles it then). */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

class BodyTooLarge extends Error {}

/** Builds the router over `routes`; a thrown handler error becomes a 500 with no details. */
export function createRouter(
  routes: HttpRoute[],
  options: { maxBodyBytes?: number; log?: { error(object: unknown, message: string): void } } = {},
): RouteHandler {
  const compiled = routes.map((route) => ({ route, match: compilePath(route.path) }));
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const candidates = compiled.map((c) => ({ ...c, params: c.match(path) })).filter((c) => c.params !== undefined);
    if (candidates.length === 0) return false;
    const found = candidates.find((c) => c.route.method === req.method);
    if (!found) {
      send(res, 405, { error: `method ${req.method} not allowed` }, { allow: [...new Set(candidates.map((c) => c.route.method))].join(', ') });
      req.resume();
      return true;
    }
    let rawBody: Buffer;
    try {
      rawBody = await readBody(req, maxBody);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      send(res, 413, { error: `request body larger than ${maxBody} bytes` }, { connection: 'close' });
      req.resume();
      return true;
    }
    try {
      const result = await found.route.handle({ rawBody, headers: req.headers, params: found.params!, query: url.searchParams });
      send(res, result.status, result.body, result.headers);
    } catch (error) {
      options.log?.error({ err: error }, `${req.method} ${path} failed`);
      send(res, 500, { error: 'internal error' });
    }
    return true;
  };
}

/** Matches `/a/:b/c` against a path, returning decoded params or undefined. */
export function compilePath(pattern: string): (path: string) => Record<string, string> | undefined {
  const parts = pattern.split('/');
  return (path) => {
    const actual = path.split('/');
    if (actual.length !== parts.length) return undefined;
    const params: Record<string, string> = {};
    for (const [i, part] of parts.entries()) {
      const value = actual[i]!;
      if (part.startsWith(':')) {
        if (value === '') return undefined;
        try {
          params[part.slice(1)] = decodeURIComponent(value);
        } catch {
          return undefined; // malformed %-escape: no route of ours
        }
      } else if (part !== value) return undefined;
    }
    return params;
  };
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Writes a response: strings and Buffers as they are, anything else as JSON. */
function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const isRaw = typeof body === 'string' || Buffer.isBuffer(body);
  const payload = isRaw ? body : JSON.stringify(body);
  const contentType = isRaw ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  res.writeHead(status, { 'content-type': contentType, ...headers });
  res.end(payload);
}
