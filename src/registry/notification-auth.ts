/**
 * Authentication of registry notifications. Registries sign nothing by default, so each provider
 * is given one or more accepted credentials: a static bearer token in a header (Distribution's
 * `notifications.endpoints[].headers`, Harbor's "Auth Header"), an HMAC-SHA256 of the raw body, or
 * — for Docker Hub and Quay, whose webhooks cannot send headers — a token in the URL query.
 * Comparisons are constant-time; nothing here logs or returns a secret.
 */
import { createHmac, createHash, timingSafeEqual } from 'node:crypto';
import type { NotificationHeaders } from './notification-parser.ts';
import { PROVIDERS, type RegistryProvider, isRegistryProvider } from './notifications/index.ts';

/** One accepted credential of a provider. */
export type NotificationAuth =
  /** `Authorization: Bearer <token>` by default; with another `header`, its whole value is the token. */
  | { type: 'bearer'; token: string; header?: string }
  /** Hex HMAC-SHA256 of the raw body in `header`, with or without a `sha256=` prefix. */
  | { type: 'hmac-sha256'; secret: string; header: string }
  /** `?token=<token>` (or `param`) on the notification URL; URLs end up in proxy logs, so prefer a header. */
  | { type: 'query-token'; token: string; param?: string };

/** Accepted credentials per provider; several allow rotation without downtime. */
export type NotificationSecrets = Partial<Record<RegistryProvider, NotificationAuth | NotificationAuth[]>>;

/** The verdict; `reason` is safe to log (it never contains a secret). */
export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** Checks a notification against the provider's configured credentials; anything unconfigured is refused. */
export function verifyNotification(
  provider: string,
  rawBody: Buffer,
  headers: NotificationHeaders,
  secrets: NotificationSecrets,
  query?: URLSearchParams,
): VerifyResult {
  if (!isRegistryProvider(provider)) return { ok: false, reason: `unknown provider "${provider}"` };
  const configured = secrets[provider];
  const list = configured === undefined ? [] : Array.isArray(configured) ? configured : [configured];
  if (list.length === 0) return { ok: false, reason: `no secret configured for provider "${provider}"` };
  const reasons = list.map((auth) => check(auth, rawBody, headers, query));
  if (reasons.some((r) => r === undefined)) return { ok: true };
  return { ok: false, reason: [...new Set(reasons)].join('; ') };
}

/** undefined when `auth` accepts the request, else why not. */
function check(
  auth: NotificationAuth,
  rawBody: Buffer,
  headers: NotificationHeaders,
  query: URLSearchParams | undefined,
): string | undefined {
  switch (auth.type) {
    case 'bearer': {
      const name = (auth.header ?? 'authorization').toLowerCase();
      const value = header(headers, name);
      if (value === undefined) return `missing ${name} header`;
      const presented = name === 'authorization' ? /^bearer\s+(.+)$/i.exec(value.trim())?.[1] : value.trim();
      if (presented === undefined) return `${name} header is not "Bearer <token>"`;
      return equalSecret(presented, auth.token) ? undefined : `wrong token in ${name} header`;
    }
    case 'hmac-sha256': {
      const name = auth.header.toLowerCase();
      const value = header(headers, name);
      if (value === undefined) return `missing ${name} header`;
      const presented = value.trim().replace(/^sha256=/i, '').toLowerCase();
      const expected = createHmac('sha256', auth.secret).update(rawBody).digest('hex');
      return equalSecret(presented, expected) ? undefined : `bad signature in ${name} header`;
    }
    case 'query-token': {
      const name = auth.param ?? 'token';
      const presented = query?.get(name);
      if (presented == null) return `missing ${name} query parameter`;
      return equalSecret(presented, auth.token) ? undefined : `wrong ${name} query parameter`;
    }
  }
}

/** Constant-time equality that also hides the length: both sides are hashed to 32 bytes first. */
function equalSecret(presented: string, expected: string): boolean {
  if (expected === '') return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function header(headers: NotificationHeaders, lowerName: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== lowerName || v === undefined) continue;
    return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/** Per-provider settings read from the environment: credentials and the registry host to canonicalise with. */
export interface RegistryNotificationEnv {
  secrets: NotificationSecrets;
  hosts: Partial<Record<RegistryProvider, string>>;
}

/**
 * Reads `COURIER_REGISTRY_<PROVIDER>_TOKEN` (+ `_TOKEN_HEADER`), `_HMAC_SECRET` (+ `_HMAC_HEADER`,
 * default `x-courier-signature`), `_QUERY_TOKEN` and `_HOST`, e.g. `COURIER_REGISTRY_HARBOR_TOKEN`.
 */
export function notificationSettingsFromEnv(env: NodeJS.ProcessEnv): RegistryNotificationEnv {
  const secrets: NotificationSecrets = {};
  const hosts: Partial<Record<RegistryProvider, string>> = {};
  for (const provider of PROVIDERS) {
    const prefix = `COURIER_REGISTRY_${provider.toUpperCase()}_`;
    const list: NotificationAuth[] = [];
    const token = env[`${prefix}TOKEN`];
    if (token) {
      const header = env[`${prefix}TOKEN_HEADER`];
      list.push(header ? { type: 'bearer', token, header } : { type: 'bearer', token });
    }
    const hmac = env[`${prefix}HMAC_SECRET`];
    if (hmac) list.push({ type: 'hmac-sha256', secret: hmac, header: env[`${prefix}HMAC_HEADER`] || 'x-courier-signature' });
    const queryToken = env[`${prefix}QUERY_TOKEN`];
    if (queryToken) list.push({ type: 'query-token', token: queryToken });
    if (list.length > 0) secrets[provider] = list;
    const host = env[`${prefix}HOST`];
    if (host) hosts[provider] = host;
  }
  return { secrets, hosts };
}
