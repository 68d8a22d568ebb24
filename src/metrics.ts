/**
 * Courier's Prometheus metrics, on a registry of its own (never prom-client's global one, so tests and
 * embedders get independent counters), and the Octokit plugin that counts GitHub API calls.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobOutcome } from './jobs/job-outcome.ts';

/** The metrics Courier records. */
export interface CourierMetrics {
  registry: Registry;
  events: Counter<'event' | 'action'>;
  pullRequests: Counter<'action'>;
  githubRequests: Counter<'route' | 'method'>;
  rateLimitRemaining: Gauge<'resource'>;
  eventToPr: Histogram;
  jobs: Counter;
}

/** Creates a fresh registry with Courier's metrics (and Node process metrics when asked). */
export function createMetrics(options: { processMetrics?: boolean } = {}): CourierMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    events: new Counter({
      name: 'courier_events_total',
      help: 'Webhook events received, by event name and action.',
      labelNames: ['event', 'action'],
      registers: [registry],
    }),
    pullRequests: new Counter({
      name: 'courier_pull_requests_total',
      help: 'Pull requests by what Courier did to them: opened, updated, superseded, unchanged.',
      labelNames: ['action'],
      registers: [registry],
    }),
    githubRequests: new Counter({
      name: 'courier_github_requests_total',
      help: 'GitHub API HTTP attempts by route template and method (retries and errors included).',
      labelNames: ['route', 'method'],
      registers: [registry],
    }),
    rateLimitRemaining: new Gauge({
      name: 'courier_github_rate_limit_remaining',
      help: 'x-ratelimit-remaining of the latest GitHub response, by rate-limit resource.',
      labelNames: ['resource'],
      registers: [registry],
    }),
    jobs: new Counter({
      name: 'courier_jobs_total',
      help: 'Job runs per environment, by job kind (image, promotion, rollout, rotation) and outcome (opened, updated, unchanged, nothing, failed).',
      labelNames: ['job', 'outcome'],
      registers: [registry],
    }),
    eventToPr: new Histogram({
      name: 'courier_event_to_pr_seconds',
      help: 'Seconds from receiving a release event to its pull request being opened or updated.',
      buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
      registers: [registry],
    }),
  };
}

/** Records the write path's outcomes; `receivedAt` is when the earliest grouped event arrived. */
export function recordOutcomes(metrics: CourierMetrics, outcomes: JobOutcome[], receivedAt: Date, now: Date): void {
  for (const outcome of outcomes) {
    metrics.jobs.inc({ job: outcome.kind, outcome: outcome.action });
    if (outcome.action === 'opened' || outcome.action === 'updated') {
      metrics.pullRequests.inc({ action: outcome.action });
      metrics.eventToPr.observe(Math.max(0, (now.getTime() - receivedAt.getTime()) / 1000));
    } else if (outcome.action === 'unchanged') {
      metrics.pullRequests.inc({ action: 'unchanged' });
    }
    if (outcome.superseded?.length) metrics.pullRequests.inc({ action: 'superseded' }, outcome.superseded.length);
  }
}

type Fetch = typeof globalThis.fetch;
interface RequestOptionsLike {
  method?: string;
  url?: string;
  request?: { fetch?: Fetch; [key: string]: unknown };
}
interface HookedOctokit {
  hook: {
    wrap(name: 'request', wrapper: (request: (options: RequestOptionsLike) => Promise<unknown>, options: RequestOptionsLike) => Promise<unknown>): void;
  };
}

/**
 * Octokit plugin factory: counts every HTTP attempt by route template and tracks the rate-limit
 * headers. A plugin's hook sits outside Probot's retry and throttling hooks, which retry by calling
 * the inner request again; so the counting happens in the `fetch` this hook hands down, which every
 * attempt — retries and failures included — goes through, while the route template is still known.
 */
export function githubRequestMetrics(metrics: CourierMetrics): (octokit: unknown) => void {
  return (octokit) => {
    (octokit as HookedOctokit).hook.wrap('request', (request, options) => {
      const labels = { route: routeLabel(options.url ?? ''), method: options.method ?? 'GET' };
      const inner: Fetch = options.request?.fetch ?? ((input, init) => globalThis.fetch(input, init));
      const counting: Fetch = async (input, init) => {
        metrics.githubRequests.inc(labels);
        const response = await inner(input, init);
        observeRateLimit(metrics, response.headers);
        return response;
      };
      // Mutated in place: before-after-hook binds every inner hook to this same options object.
      options.request = { ...options.request, fetch: counting };
      return request(options);
    });
  };
}

/**
 * Keeps the label's cardinality bounded: templates (`/repos/{owner}/{repo}`) stay as they are; the
 * absolute URLs pagination follows lose origin and query, and their numeric ids become `{id}`.
 */
function routeLabel(url: string): string {
  if (!/^https?:\/\//.test(url)) return url.split('?')[0]!;
  const path = new URL(url).pathname.replace(/^\/api\/v3(?=\/)/, '');
  return path.replace(/\/\d+(?=\/|$)/g, '/{id}');
}

function observeRateLimit(metrics: CourierMetrics, headers: Headers): void {
  const remaining = headers.get('x-ratelimit-remaining');
  if (remaining === null || !Number.isFinite(Number(remaining))) return;
  metrics.rateLimitRemaining.set({ resource: headers.get('x-ratelimit-resource') ?? 'core' }, Number(remaining));
}
