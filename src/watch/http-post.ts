/** POSTs a JSON body with node:http(s) (no fetch: the reporter keeps its memory small). */
import http from 'node:http';
import https from 'node:https';

/** Sends `body` with extra headers; resolves with the HTTP status, rejects on network errors. */
export type PostJson = (body: string, headers: Record<string, string>) => Promise<number>;

/** A PostJson for one URL, with a per-request timeout. */
export function httpPostJson(url: string, timeoutMs = 10_000): PostJson {
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  const agent = new lib.Agent({ keepAlive: true, maxSockets: 2 });
  return (body, headers) =>
    new Promise((resolve, reject) => {
      const req = lib.request(
        target,
        {
          method: 'POST',
          agent,
          timeout: timeoutMs,
          headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`POST ${target.origin}${target.pathname} timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
}
