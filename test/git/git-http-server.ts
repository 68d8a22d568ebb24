import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixtureEnv } from './git-fixtures.ts';

/** A smart-HTTP git server on 127.0.0.1 (`git http-backend` as CGI) that demands one Authorization header. */
export interface GitHttpServer {
  url: string;
  /** Authorization headers received, in order (undefined when absent). */
  authHeaders: Array<string | undefined>;
  close(): Promise<void>;
}

/** Serves the bare repositories under `projectRoot`; requests without `requiredAuth` get 401. */
export async function startGitHttpServer(projectRoot: string, requiredAuth: string): Promise<GitHttpServer> {
  const authHeaders: Array<string | undefined> = [];
  const server = http.createServer((req, res) => {
    authHeaders.push(req.headers.authorization);
    if (req.headers.authorization !== requiredAuth) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...fixtureEnv,
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    // A CGI that exits before reading the whole request (or cannot start) must fail this request, not the test run.
    cgi.stdin.on('error', () => undefined);
    cgi.on('error', (err) => res.headersSent ? res.destroy(err) : res.writeHead(500).end(err.message));
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const i = line.indexOf(':');
        const name = line.slice(0, i);
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    cgi.on('close', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    authHeaders,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
