/**
 * HTTP to one registry: scheme choice, Docker Hub's API host, the token handshake of the
 * distribution auth spec (https://distribution.github.io/distribution/spec/auth/token/), bounded
 * retries on transient failures, and the mapping of status codes to typed errors.
 */
import pRetry from 'p-retry';
import { parseImageRef } from '../core/image-update/image-ref.ts';
import { RegistryAuthError, RegistryError, RegistryProtocolError, RegistryUnavailable, RepositoryNotFound } from './errors.ts';
import { parseRetryAfter, parseWwwAuthenticate } from './http-headers.ts';

/** The part of the WHATWG `fetch` the client uses; Node's global `fetch` fits. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Basic credentials for one registry host; sent only to that host's token realm or API, over https. */
export interface RegistryCredentials {
  username: string;
  password: string;
}

/** How the registry client reaches registries. Every field is optional. */
export interface RegistryClientOptions {
  /** Defaults to Node's global fetch. */
  fetch?: FetchLike;
  /** Credentials by registry host as written in image references (`ghcr.io`, `docker.io`, `localhost:5000`). */
  credentials?: Record<string, RegistryCredentials>;
  /** Hosts (`host` or `host:port`) that may be reached over plain http besides localhost and 127.0.0.1. */
  insecure?: string[];
  /** Retries of transient failures (5xx, 429, network). Defaults: 3 retries, 500 ms doubling up to 5 s. */
  retry?: { retries?: number; minTimeout?: number; maxTimeout?: number };
  /** A `Retry-After` longer than this is not waited for: the call fails as RegistryUnavailable. Default 60 s. */
  maxRetryAfterMs?: number;
  /** Waits for `Retry-After`; injectable so tests do not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** Clock in epoch milliseconds, for token expiry and `Retry-After` dates. */
  now?: () => number;
  userAgent?: string;
  /** Per request, body included: a registry that accepts the connection but never answers must not stall polling. Default 30 s. */
  timeoutMs?: number;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const DOCKER_HUB_API = 'registry-1.docker.io';
const DEFAULT_TOKEN_TTL_S = 60;

/** Cached Authorization header values, shared by the transports of one client. */
export type AuthCache = Map<string, { header: string; expiresAt: number }>;

/** True when `host` (with optional port) may be spoken to over plain http. */
function isInsecureHost(host: string, insecure: readonly string[] = []): boolean {
  const bare = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return LOCAL_HOSTS.has(bare) || insecure.includes(host) || insecure.includes(bare);
}

/** Authenticated, retrying requests to the distribution API for one repository. */
export class RegistryTransport {
  readonly repository: string;
  readonly domain: string;
  /** Path of the repository inside the registry, e.g. `library/nginx`. */
  readonly path: string;
  /** Origin of the registry API, e.g. `https://registry-1.docker.io`. */
  readonly origin: string;
  private readonly fetch: FetchLike;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    repository: string,
    private readonly options: RegistryClientOptions,
    private readonly cache: AuthCache,
  ) {
    const ref = parseImageRef(repository);
    if (ref.tag !== undefined || ref.digest !== undefined) {
      throw new RegistryProtocolError(`"${repository}" must be a repository without tag or digest`, repository);
    }
    this.repository = ref.repository;
    this.domain = ref.domain;
    this.path = ref.path;
    const apiHost = ref.domain === 'docker.io' ? DOCKER_HUB_API : ref.domain;
    this.origin = `${isInsecureHost(apiHost, options.insecure) ? 'http' : 'https'}://${apiHost}`;
    this.fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** A successful (2xx) response to `method url`, after auth and retries; typed errors otherwise. */
  async send(url: URL, method: 'GET' | 'HEAD', accept: string): Promise<Response> {
    if (url.origin !== this.origin) {
      throw new RegistryProtocolError(`refusing to follow ${url.origin}: not the registry ${this.origin}`, this.repository);
    }
    const maxRetryAfter = this.options.maxRetryAfterMs ?? 60_000;
    return pRetry(() => this.attempt(url, method, accept), {
      retries: this.options.retry?.retries ?? 3,
      minTimeout: this.options.retry?.minTimeout ?? 500,
      maxTimeout: this.options.retry?.maxTimeout ?? 5_000,
      shouldRetry: (err) =>
        err instanceof RegistryUnavailable && (err.retryAfterMs === undefined || err.retryAfterMs <= maxRetryAfter),
      onFailedAttempt: async (err) => {
        const wait = err instanceof RegistryUnavailable ? err.retryAfterMs : undefined;
        if (wait !== undefined && wait <= maxRetryAfter && err.retriesLeft > 0) await this.sleep(wait);
      },
    });
  }

  private async attempt(url: URL, method: 'GET' | 'HEAD', accept: string): Promise<Response> {
    const key = `${this.origin} ${this.path}`;
    const cached = this.cache.get(key);
    let auth = cached && cached.expiresAt > this.now() ? cached.header : undefined;
    let res = await this.fetchOnce(url, method, accept, auth);
    if (res.status === 401) {
      const challenge = res.headers.get('www-authenticate');
      await res.body?.cancel();
      const fresh = await this.authenticate(challenge);
      this.cache.set(key, fresh);
      auth = fresh.header;
      res = await this.fetchOnce(url, method, accept, auth);
    }
    if (res.ok) return res;
    throw await this.errorFor(res, url);
  }

  private async fetchOnce(url: URL, method: string, accept: string, auth?: string): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (auth) headers.authorization = auth;
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;
    try {
      return await this.fetch(url.toString(), { method, headers, redirect: 'follow', signal: this.deadline() });
    } catch (err) {
      throw new RegistryUnavailable(`cannot reach ${url.host}: ${this.causeOf(err)}`, this.repository);
    }
  }

  /** Answers a 401: the Authorization header to retry with, from a Bearer or Basic challenge. */
  private async authenticate(header: string | null): Promise<{ header: string; expiresAt: number }> {
    const challenges = parseWwwAuthenticate(header ?? '');
    const creds = this.credentials();
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer) return this.fetchToken(bearer.params, creds);
    if (challenges.some((c) => c.scheme === 'basic') && creds) {
      const basic = Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
      return { header: `Basic ${basic}`, expiresAt: Number.POSITIVE_INFINITY };
    }
    throw new RegistryAuthError(
      creds
        ? `${this.domain} refused access to ${this.path} and offers no usable auth scheme`
        : `${this.domain} requires credentials for ${this.path}; configure credentials for host "${this.domain}"`,
      this.repository,
    );
  }

  private async fetchToken(
    params: Record<string, string>,
    creds: RegistryCredentials | undefined,
  ): Promise<{ header: string; expiresAt: number }> {
    let realm: URL;
    try {
      realm = new URL(params.realm ?? '');
    } catch {
      throw new RegistryProtocolError(`${this.domain} sent a Bearer challenge without a valid realm`, this.repository);
    }
    const plainOk = realm.protocol === 'http:' && isInsecureHost(realm.host, this.options.insecure);
    if (realm.protocol !== 'https:' && !plainOk) {
      throw new RegistryAuthError(`refusing token realm ${realm.origin}: not https`, this.repository);
    }
    if (params.service) realm.searchParams.set('service', params.service);
    for (const scope of (params.scope ?? `repository:${this.path}:pull`).split(' ')) {
      realm.searchParams.append('scope', scope);
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (creds) headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    let res: Response;
    try {
      res = await this.fetch(realm.toString(), { method: 'GET', headers, signal: this.deadline() });
    } catch (err) {
      throw new RegistryUnavailable(`cannot reach token service ${realm.host}: ${this.causeOf(err)}`, this.repository);
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new RegistryAuthError(
        `token service ${realm.host} refused ${creds ? 'the configured credentials' : 'anonymous access'} for ${this.path}`,
        this.repository,
      );
    }
    if (!res.ok) throw await this.errorFor(res, realm);
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new RegistryUnavailable(`token service ${realm.host} broke off its answer: ${this.causeOf(err)}`, this.repository);
    }
    const body = parseJsonOrUndefined(text) as { token?: unknown; access_token?: unknown; expires_in?: unknown } | undefined;
    const token = typeof body?.token === 'string' ? body.token : body?.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new RegistryProtocolError(`token service ${realm.host} answered without a token`, this.repository);
    }
    const ttl = typeof body?.expires_in === 'number' ? body.expires_in : DEFAULT_TOKEN_TTL_S;
    // Renew a little early so a token never expires between the cache check and the request.
    return { header: `Bearer ${token}`, expiresAt: this.now() + Math.max(0, ttl - 5) * 1000 };
  }

  private deadline(): AbortSignal {
    return AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
  }

  /** What went wrong with a fetch: undici hides the network error in `cause`. */
  private causeOf(err: unknown): string {
    if (err instanceof Error && err.name === 'TimeoutError') return `no answer within ${this.options.timeoutMs ?? 30_000} ms`;
    return err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
  }

  private credentials(): RegistryCredentials | undefined {
    const all = this.options.credentials ?? {};
    return all[this.domain] ?? all[new URL(this.origin).host];
  }

  private async errorFor(res: Response, url: URL): Promise<RegistryError> {
    const text = await res.text().catch(() => '');
    const detail = registryErrorDetail(text);
    const where = `${res.status} from ${url.host}${detail ? ` (${detail})` : ''}`;
    if (res.status === 429 || res.status >= 500) {
      return new RegistryUnavailable(
        `registry unavailable: ${where}`,
        this.repository,
        parseRetryAfter(res.headers.get('retry-after'), this.now()),
      );
    }
    if (res.status === 401 || res.status === 403) {
      return new RegistryAuthError(`access to ${this.path} denied: ${where}`, this.repository);
    }
    if (res.status === 404) {
      return new RepositoryNotFound(`${this.repository} not found: ${where}`, this.repository);
    }
    return new RegistryProtocolError(`unexpected answer: ${where}`, this.repository);
  }
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `CODE: message` pairs of a distribution error body (`{"errors":[{code,message}]}`), joined. */
function registryErrorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: Array<{ code?: unknown; message?: unknown }> };
    return (body.errors ?? [])
      .map((e) => [e.code, e.message].filter((x) => typeof x === 'string' && x).join(': '))
      .filter(Boolean)
      .join('; ');
  } catch {
    return '';
  }
}
