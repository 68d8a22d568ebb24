/**
 * Framework-free handler of `POST /api/courier/registry/<provider>`: authenticate, parse, hand the
 * releases on. The app mounts it with the raw body (signatures are over bytes, not re-serialised JSON).
 */
import type { Release } from '../core/image-update/release.ts';
import { type NotificationSecrets, verifyNotification } from './notification-auth.ts';
import { type NotificationHeaders, NotificationShapeError } from './notification-parser.ts';
import { type RegistryProvider, isRegistryProvider, parsers } from './notifications/index.ts';

/** The logger the handler needs; pino's fits. */
export interface RouteLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** What the handler needs from the app. */
export interface RegistryRouteDeps {
  secrets: NotificationSecrets;
  /** Registry host per provider, as the GitOps repositories write it (see ParseOptions.registryHost). */
  hosts?: Partial<Record<RegistryProvider, string>>;
  onReleases(releases: Release[]): Promise<void>;
  log: RouteLog;
}

/** HTTP status and JSON body to answer with. */
export interface RouteResponse {
  status: number;
  body: { accepted: number } | { error: string };
}

/**
 * Handles one notification: 401 unauthenticated (also unknown provider), 400 not JSON or not the
 * provider's format, 202 with the number of releases passed on, 503 when `onReleases` failed (the
 * registry redelivers). Pulls and other events are accepted with a count of 0, so that Distribution,
 * which retries every non-2xx answer until it succeeds, is not blocked by events Courier ignores.
 */
export async function handleRegistryNotification(
  provider: string,
  rawBody: Buffer,
  headers: NotificationHeaders,
  deps: RegistryRouteDeps,
  query?: URLSearchParams,
): Promise<RouteResponse> {
  const verdict = verifyNotification(provider, rawBody, headers, deps.secrets, query);
  if (!verdict.ok || !isRegistryProvider(provider)) {
    deps.log.warn({ provider, reason: verdict.ok ? 'unknown provider' : verdict.reason }, 'registry notification refused');
    return { status: 401, body: { error: 'unauthorized' } };
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { status: 400, body: { error: 'body is not valid JSON' } };
  }
  let releases: Release[];
  try {
    const host = deps.hosts?.[provider];
    releases = parsers[provider](body, headers, host ? { registryHost: host } : {});
  } catch (err) {
    if (!(err instanceof NotificationShapeError)) throw err;
    deps.log.warn({ provider, error: err.message }, 'registry notification not understood');
    return { status: 400, body: { error: err.message } };
  }
  if (releases.length > 0) {
    try {
      await deps.onReleases(releases);
    } catch (err) {
      deps.log.warn({ provider, error: err instanceof Error ? err.message : String(err) }, 'registry releases not queued');
      return { status: 503, body: { error: 'releases could not be queued; retry' } };
    }
  }
  deps.log.info(
    { provider, releases: releases.map((r) => `${r.repository}:${r.tag}`) },
    'registry notification accepted',
  );
  return { status: 202, body: { accepted: releases.length } };
}
