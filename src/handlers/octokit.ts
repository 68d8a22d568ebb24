/**
 * The Octokit class Probot builds every client from: Probot's own (retry, throttling, pagination,
 * config) plus Courier's request metrics and throttle callbacks.
 */
import { ProbotOctokit } from 'probot';
import type { AppLog } from '../app-deps.ts';
import { githubRequestMetrics, type CourierMetrics } from '../metrics.ts';
import { summarisingRequestLog } from './request-log-summary.ts';

/** How many times a request that hit a rate limit is retried before it fails. */
export const RATE_LIMIT_RETRIES = 2;

interface ThrottledRequest {
  method: string;
  url: string;
}
interface LoggingOctokit {
  log: Pick<AppLog, 'warn'>;
}

/** Decides whether to retry after a (secondary) rate limit: a couple of times, with a log line. */
export function retryRateLimited(kind: 'primary' | 'secondary') {
  return (retryAfter: number, options: ThrottledRequest, octokit: LoggingOctokit, retryCount: number): boolean => {
    const retry = retryCount < RATE_LIMIT_RETRIES;
    octokit.log.warn(
      `GitHub ${kind} rate limit on ${options.method} ${options.url}: ` +
        (retry ? `retry ${retryCount + 1}/${RATE_LIMIT_RETRIES} in ${retryAfter}s` : 'giving up'),
    );
    return retry;
  };
}

/**
 * Builds Courier's Octokit class. Tests pass `{ retry: false, throttle: false }`: an object
 * `.defaults({ throttle: { enabled: false } })` would not do, because Probot hands its own throttle
 * options to every construction and they replace an object default wholesale.
 */
export function createCourierOctokit(
  metrics: CourierMetrics,
  plugins: { retry?: boolean; throttle?: boolean; /** Milliseconds per `retry-after` second (tests shorten it). */ retryAfterBaseMs?: number } = {},
): typeof ProbotOctokit {
  const WithMetrics = ProbotOctokit.plugin(githubRequestMetrics(metrics)) as unknown as typeof ProbotOctokit;
  // A function layer, so Probot's own throttle options (which it passes on every construction) keep
  // their `enabled` and Bottleneck settings while the callbacks are ours.
  return WithMetrics.defaults((options: { throttle?: Record<string, unknown>; retry?: Record<string, unknown>; log?: Parameters<typeof summarisingRequestLog>[0] }) => ({
    ...options,
    ...(options.log ? { log: summarisingRequestLog(options.log) } : {}),
    ...(plugins.retry === false ? { retry: { ...options.retry, enabled: false } } : {}),
    throttle: {
      ...options.throttle,
      onRateLimit: retryRateLimited('primary'),
      onSecondaryRateLimit: retryRateLimited('secondary'),
      ...(plugins.throttle === false ? { enabled: false } : {}),
      ...(plugins.retryAfterBaseMs !== undefined ? { retryAfterBaseValue: plugins.retryAfterBaseMs } : {}),
    },
  })) as typeof ProbotOctokit;
}
