/**
 * The connection to the Kubernetes API: server, TLS material and credentials from a kubeconfig
 * file or the in-cluster service account. A small replacement for client-node's `KubeConfig`,
 * whose module pulls in the generated API models (≈ 110 MiB RSS, issue 4 item 8): plain JSON GETs
 * for discovery and lists, and watches. The watch replaces client-node's `Watch` too, whose node-fetch,
 * whatwg-url and tr46 kept the reporter at 73 MiB against a 64 MiB target (issue 12, item 5); it is
 * the documented protocol — one JSON event per line of a `?watch=true` GET
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes).
 * Supported credentials: bearer token (inline or file), client certificate, basic auth. Exec and
 * auth-provider plugins are not (the reporter runs in-cluster); they fail with a clear error.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

/** TLS and credential material of one cluster. */
export interface KubeConnectionOptions {
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  insecureSkipTlsVerify?: boolean;
  token?: string;
  /** Read again at most once a minute: projected service-account tokens rotate. */
  tokenFile?: string;
  username?: string;
  password?: string;
  /** A GET whose socket stays silent this long fails, so a hung API server cannot stall the reporter. Default 30 s. */
  timeoutMs?: number;
}

/** Thrown when the kubeconfig or the in-cluster environment cannot be used; says what to fix. */
export class KubeConfigError extends Error {
  override name = 'KubeConfigError';
}

/** An HTTP error from the API server. */
export class KubeApiError extends Error {
  override name = 'KubeApiError';
  constructor(
    readonly statusCode: number,
    readonly path: string,
  ) {
    super(`Kubernetes API ${path}: HTTP ${statusCode}`);
  }
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** What a watch calls: each event's type and object, then once, when the stream ends, why (undefined: the server closed it). */
export type WatchEvent = (type: string, object: any) => void;
export type WatchDone = (err?: unknown) => void;

/** A live connection: GETs and watches. */
export class KubeConnection {
  private readonly agent: http.Agent;
  private token: { value: string; readAt: number } | undefined;

  constructor(
    private readonly options: KubeConnectionOptions,
    private readonly now: () => number = Date.now,
  ) {
    const tls = options.server.startsWith('https:');
    this.agent = tls
      ? new https.Agent({
          keepAlive: true,
          ca: options.ca,
          cert: options.cert,
          key: options.key,
          rejectUnauthorized: !options.insecureSkipTlsVerify,
        })
      : new http.Agent({ keepAlive: true });
  }

  /**
   * Starts a watch of `path` with `params` (resourceVersion, allowWatchBookmarks, timeoutSeconds…).
   * Resolves once the server accepted it (HTTP 200) with a handle to stop it; rejects with
   * KubeApiError for any other status. `onDone` is called once, after the last event.
   */
  watch(path: string, params: Record<string, string | number | boolean | undefined>, onEvent: WatchEvent, onDone: WatchDone): Promise<{ abort(): void }> {
    const url = new URL(this.options.server.replace(/\/$/, '') + path);
    url.searchParams.set('watch', 'true');
    for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, String(v));
    const lib = url.protocol === 'https:' ? https : http;
    const controller = new AbortController();
    return new Promise((resolve, reject) => {
      let answered = false;
      let finished = false;
      const finish = (err?: unknown) => {
        if (finished) return;
        finished = true;
        onDone(err);
      };
      const req = lib.get(url, { agent: this.agent, headers: { ...this.authHeaders(), Accept: 'application/json' }, signal: controller.signal }, (res) => {
        answered = true;
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          res.resume();
          reject(new KubeApiError(status, path));
          return;
        }
        resolve({ abort: () => controller.abort() });
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          pending += chunk;
          let start = 0;
          for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
            const line = pending.slice(start, nl);
            start = nl + 1;
            if (line.trim() === '') continue;
            let event: { type?: unknown; object?: unknown };
            try {
              event = JSON.parse(line);
            } catch {
              finish(new Error(`Kubernetes API ${path}: a watch event is not JSON`));
              req.destroy();
              return;
            }
            onEvent(String(event.type), event.object);
          }
          pending = pending.slice(start);
        });
        res.on('error', (err) => finish(err));
        res.on('close', () => finish());
      });
      req.on('error', (err) => (answered ? finish(err) : reject(err)));
    });
  }

  /** GETs a JSON document; throws KubeApiError for a non-2xx status. */
  async getJson(path: string, signal?: AbortSignal): Promise<unknown> {
    const url = new URL(this.options.server.replace(/\/$/, '') + path);
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.get(url, { agent: this.agent, headers: { ...this.authHeaders(), Accept: 'application/json' }, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) return reject(new KubeApiError(status, path));
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(new Error(`Kubernetes API ${path}: invalid JSON: ${(err as Error).message}`));
          }
        });
      });
      const timeoutMs = this.options.timeoutMs ?? 30_000;
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`Kubernetes API ${path}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
    });
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }

  private authHeaders(): Record<string, string> {
    const o = this.options;
    if (o.tokenFile) {
      if (!this.token || this.now() - this.token.readAt > 60_000) {
        this.token = { value: readFileSync(o.tokenFile, 'utf8').trim(), readAt: this.now() };
      }
      return { Authorization: `Bearer ${this.token.value}` };
    }
    if (o.token) return { Authorization: `Bearer ${o.token}` };
    if (o.username !== undefined) {
      return { Authorization: `Basic ${Buffer.from(`${o.username}:${o.password ?? ''}`).toString('base64')}` };
    }
    return {};
  }
}

/** Connection options of the in-cluster service account (KUBERNETES_SERVICE_HOST/PORT). */
export function inClusterOptions(env: NodeJS.ProcessEnv, saDir = SA_DIR): KubeConnectionOptions {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (!host) throw new KubeConfigError('not running in a cluster (KUBERNETES_SERVICE_HOST unset); set KUBECONFIG');
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return { server, ca: readFileSync(`${saDir}/ca.crt`), tokenFile: `${saDir}/token` };
}

/** Connection options of the current context of a kubeconfig file (YAML or JSON). */
export async function kubeconfigOptions(file: string, context?: string): Promise<KubeConnectionOptions> {
  let doc: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    // JSON kubeconfigs skip loading the YAML parser (≈ 9 MiB RSS).
    doc = text.trimStart().startsWith('{') ? JSON.parse(text) : (await import('yaml')).parse(text);
  } catch (err) {
    throw new KubeConfigError(`${file}: cannot read kubeconfig: ${(err as Error).message}`);
  }
  const cfg = (doc ?? {}) as Record<string, unknown>;
  const named = (list: unknown, name: string | undefined, what: string): Record<string, unknown> => {
    const item = Array.isArray(list) ? list.find((x) => x?.name === name) : undefined;
    if (!item) throw new KubeConfigError(`${file}: ${what} "${name ?? ''}" not found`);
    return (item[what] ?? {}) as Record<string, unknown>;
  };
  const ctx = named(cfg.contexts, context ?? (cfg['current-context'] as string | undefined), 'context');
  const cluster = named(cfg.clusters, ctx.cluster as string, 'cluster');
  const user = ctx.user ? named(cfg.users, ctx.user as string, 'user') : {};
  if (typeof cluster.server !== 'string') throw new KubeConfigError(`${file}: cluster "${String(ctx.cluster)}" has no server`);
  if (user.exec || user['auth-provider']) {
    throw new KubeConfigError(`${file}: user "${String(ctx.user)}" uses an exec/auth-provider plugin; the reporter supports tokens and client certificates`);
  }
  const material = (data: unknown, path: unknown): Buffer | undefined =>
    typeof data === 'string' ? Buffer.from(data, 'base64') : typeof path === 'string' ? readFileSync(path) : undefined;
  const options: KubeConnectionOptions = { server: cluster.server };
  const ca = material(cluster['certificate-authority-data'], cluster['certificate-authority']);
  if (ca) options.ca = ca;
  const cert = material(user['client-certificate-data'], user['client-certificate']);
  if (cert) options.cert = cert;
  const key = material(user['client-key-data'], user['client-key']);
  if (key) options.key = key;
  if (cluster['insecure-skip-tls-verify'] === true) options.insecureSkipTlsVerify = true;
  if (typeof user.token === 'string') options.token = user.token;
  if (typeof user.tokenFile === 'string') options.tokenFile = user.tokenFile;
  if (typeof user.username === 'string') options.username = user.username;
  if (typeof user.password === 'string') options.password = user.password;
  return options;
}
