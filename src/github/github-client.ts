/**
 * The one door to the GitHub API: a two-method interface that Probot's Octokit satisfies, an adapter
 * that turns HTTP statuses and GraphQL error types into typed errors, and a per-call tally (total and
 * mutating) that the write path reports as its cost. Prometheus counts every HTTP attempt, retries
 * included, in the Octokit plugin of `src/metrics.ts`; this tally only counts the calls one publish made.
 */
import {
  Conflict,
  Forbidden,
  GitHubError,
  GitHubUnavailable,
  NotFound,
  RateLimited,
  ValidationFailed,
  type GitHubErrorInit,
  type GraphQLErrorDetail,
} from './errors.ts';

/** Response of a REST call. */
export interface RestResponse<T = unknown> {
  data: T;
  status: number;
  headers: Record<string, string | number | undefined>;
}

/** What Courier needs from GitHub: GraphQL documents and REST routes, failing with typed errors. */
export interface GitHubClient {
  graphql<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<T>;
  request<T = unknown>(route: string, params?: Record<string, unknown>): Promise<RestResponse<T>>;
}

/** The subset of an Octokit instance (`@octokit/core`, `ProbotOctokit`) the adapter uses. */
export interface OctokitLike {
  request: ((route: string, parameters?: Record<string, unknown>) => Promise<{ data: unknown; status: number; headers: object }>) & {
    endpoint?: { DEFAULTS: { baseUrl: string } };
  };
}

/** GHES serves GraphQL at `/api/graphql` beside REST's `/api/v3` (as `@octokit/graphql` maps it). */
const GHES_V3_SUFFIX = /\/api\/v3\/?$/;

/** Reads a response body Octokit left unparsed (a web stream; null for an empty body). */
async function bodyText(body: unknown): Promise<string> {
  if (typeof body === 'string') return body;
  return body ? new Response(body as ReadableStream).text() : '';
}

/** Requests one piece of work made: all of them, and those that write. */
export interface RequestCounts {
  total: number;
  mutating: number;
}

/** Route label and mutating flag of a GraphQL document: `POST /graphql <OperationName>`. */
export function describeGraphQL(query: string): { route: string; mutating: boolean } {
  const m = /^\s*(query|mutation)\b\s*([A-Za-z_][A-Za-z0-9_]*)?/.exec(query);
  const kind = m?.[1] ?? 'query';
  return { route: `POST /graphql ${m?.[2] ?? kind}`, mutating: kind === 'mutation' };
}

/** Wraps a client so every call is also counted. Counted before the call: a failed request still spent budget. */
export function countingClient(inner: GitHubClient): { client: GitHubClient; counts: RequestCounts } {
  const counts: RequestCounts = { total: 0, mutating: 0 };
  const count = (mutating: boolean) => {
    counts.total += 1;
    if (mutating) counts.mutating += 1;
  };
  const client: GitHubClient = {
    graphql(query, variables) {
      count(describeGraphQL(query).mutating);
      return inner.graphql(query, variables);
    },
    request(route, params) {
      // Octokit takes a route without a method as GET.
      const method = /^([A-Z]+)\s/.exec(route)?.[1] ?? 'GET';
      count(method !== 'GET' && method !== 'HEAD');
      return inner.request(route, params);
    },
  };
  return { client, counts };
}

/** Adapts an Octokit instance: same calls, typed errors instead of status codes. */
export function fromOctokit(octokit: OctokitLike): GitHubClient {
  return {
    // Sent through `request` with a body serialised and parsed by V8's own JSON: Octokit's JSON (with
    // BigInt support, json-with-bigint) runs a replacer and whole-text regular expressions, 2-3x the
    // time on a commit document of megabytes or a state read listing every open PR's body, all of it
    // on the event loop that answers webhooks and /healthz. GitHub's GraphQL has no BigInt fields
    // Courier reads. Retries, throttling and auth still wrap the request.
    async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
      const attempted = describeGraphQL(query).route;
      const repo = repoOf(variables.owner, variables.name ?? variables.repo);
      const base = octokit.request.endpoint?.DEFAULTS.baseUrl;
      let res: { data: unknown; headers: object };
      try {
        res = await octokit.request('POST /graphql', {
          ...(base && GHES_V3_SUFFIX.test(base) ? { baseUrl: base.replace(GHES_V3_SUFFIX, '/api') } : {}),
          data: JSON.stringify({ query, variables }),
          headers: { 'content-type': 'application/json; charset=utf-8' },
          request: { parseSuccessResponseBody: false },
        });
      } catch (error) {
        throw toGitHubError(error, { repo, attempted });
      }
      let answer: { data?: unknown; errors?: GraphQLErrorDetail[] };
      try {
        answer = JSON.parse(await bodyText(res.data)) as typeof answer;
      } catch (error) {
        throw new GitHubUnavailable(`answer is not JSON: ${(error as Error).message}`, { repo, attempted, cause: error });
      }
      if (Array.isArray(answer.errors) && answer.errors.length > 0) {
        throw fromGraphQLErrors(answer.errors, { repo, attempted, data: answer.data, headers: res.headers as Record<string, string | undefined> });
      }
      return answer.data as T;
    },
    async request<T>(route: string, params: Record<string, unknown> = {}): Promise<RestResponse<T>> {
      const repo = repoOf(params.owner, params.repo);
      try {
        const res = await octokit.request(route, params);
        return { data: res.data as T, status: res.status, headers: res.headers as RestResponse['headers'] };
      } catch (error) {
        throw toGitHubError(error, { repo, attempted: route });
      }
    },
  };
}

function repoOf(owner: unknown, name: unknown): string {
  return typeof owner === 'string' && typeof name === 'string' ? `${owner}/${name}` : '';
}

interface ErrorShape {
  message?: string;
  status?: number;
  response?: { headers?: Record<string, string | undefined>; data?: { message?: string; errors?: unknown } };
  headers?: Record<string, string | undefined>;
}

const CONFLICT_MESSAGE = /already[ _]exists|expected branch to point to|is not up to date|reference update failed|stale/i;
/**
 * GitHub's content-creation limit, answered inside a GraphQL document as `UNPROCESSABLE` (e.g.
 * https://github.com/cli/cli/issues/4801), not as a 403: a rate limit, retried after a pause.
 */
const TOO_QUICKLY = /submitted too quickly/i;
/**
 * A secondary rate limit without `retry-after`: GitHub asks for at least a minute
 * (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#handle-rate-limit-errors-appropriately).
 */
const SECONDARY_LIMIT_PAUSE_MS = 60_000;

/** Maps an Octokit RequestError (an HTTP failure) to Courier's typed errors; GraphQL answers are classified by `fromGraphQLErrors`. */
function toGitHubError(error: unknown, where: { repo: string; attempted: string }): GitHubError {
  if (error instanceof GitHubError) return error;
  const e = (error ?? {}) as ErrorShape;
  const status = e.status;
  const headers = e.response?.headers ?? e.headers ?? {};
  const message = e.response?.data?.message ?? e.message ?? 'request failed';
  const init: GitHubErrorInit = { ...where, status, cause: error };
  if (status === 404) return new NotFound(message, init);
  if (status === 409) return new Conflict(message, init);
  if (status === 422) {
    const detail = JSON.stringify(e.response?.data?.errors ?? '');
    return CONFLICT_MESSAGE.test(`${message} ${detail}`) ? new Conflict(message, init) : new ValidationFailed(message, init);
  }
  if (status === 429 || (status === 403 && (headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined || /rate limit/i.test(message)))) {
    return new RateLimited(message, { ...init, resetAt: resetOf(headers) ?? new Date(Date.now() + SECONDARY_LIMIT_PAUSE_MS) });
  }
  if (status === 401 || status === 403) return new Forbidden(message, init);
  return new GitHubUnavailable(message, init);
}

function resetOf(headers: Record<string, string | undefined>): Date | null {
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && headers['retry-after'] !== undefined) return new Date(Date.now() + retryAfter * 1000);
  const reset = Number(headers['x-ratelimit-reset']);
  return Number.isFinite(reset) && headers['x-ratelimit-reset'] !== undefined ? new Date(reset * 1000) : null;
}

/** Classifies a GraphQL `errors` array; a conflict anywhere in the document wins, so it is retried. */
export function fromGraphQLErrors(
  errors: GraphQLErrorDetail[],
  init: { repo: string; attempted: string; data?: unknown; cause?: unknown; headers?: Record<string, string | undefined> },
): GitHubError {
  const { headers, ...where } = init;
  const full: GitHubErrorInit = { ...where, errors };
  const message = errors.map((x) => x.message).join('; ') || 'GraphQL error';
  const types = new Set(errors.map((x) => x.type ?? ''));
  if (errors.some((x) => x.type === 'STALE_DATA' || CONFLICT_MESSAGE.test(x.message))) return new Conflict(message, full);
  if (types.has('RATE_LIMITED')) return new RateLimited(message, { ...full, resetAt: headers ? resetOf(headers) : null });
  if (errors.some((x) => TOO_QUICKLY.test(x.message))) return new RateLimited(message, { ...full, resetAt: new Date(Date.now() + SECONDARY_LIMIT_PAUSE_MS) });
  if (types.has('FORBIDDEN') || types.has('INSUFFICIENT_SCOPES')) return new Forbidden(message, full);
  if (types.has('NOT_FOUND')) return new NotFound(message, full);
  if (types.has('UNPROCESSABLE') || types.has('UNPROCESSABLE_ENTITY') || types.has('BAD_REQUEST')) {
    return new ValidationFailed(message, full);
  }
  return new GitHubUnavailable(message, full);
}
