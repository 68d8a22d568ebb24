/**
 * What Courier's Octokit logs of a request body at `debug`: Probot's request logging writes the whole
 * body (`octokit-plugin-probot-request-logging`), which for the write path's GraphQL documents is every
 * file's new content and the full PR body. Logged instead: the operation, the paths and byte sizes of
 * file changes, the size of any long text, and short values (ids, names, oids) as they are.
 */

/** Texts up to this length are logged as they are (ids, oids, branch names, titles). */
const SHORT_TEXT = 120;
const MAX_DEPTH = 8;

/** A body reduced to what is safe and useful to log. */
export function summariseRequestBody(body: unknown): unknown {
  if (typeof body === 'string') return summariseValue(body, 0);
  if (typeof body !== 'object' || body === null) return body;
  const { query, variables, ...rest } = body as { query?: unknown; variables?: unknown };
  if (typeof query !== 'string') return summariseValue(body, 0);
  const operation = /^\s*(query|mutation)\b\s*([A-Za-z_]\w*)?/.exec(query);
  return {
    operation: operation ? `${operation[1]} ${operation[2] ?? ''}`.trim() : 'graphql',
    ...(variables !== undefined ? { variables: summariseValue(variables, 0) } : {}),
    ...(summariseValue(rest, 0) as object),
  };
}

function summariseValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return value.length <= SHORT_TEXT ? value : { bytes: Buffer.byteLength(value) };
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) return value.map((v) => summariseValue(v, depth + 1));
  const entries = Object.entries(value as Record<string, unknown>);
  // createCommitOnBranch's FileAddition { path, contents (base64) }: the path and the decoded size.
  const { path, contents } = value as { path?: unknown; contents?: unknown };
  if (typeof path === 'string' && typeof contents === 'string' && entries.length === 2) {
    return { path, bytes: Buffer.from(contents, 'base64').length };
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, summariseValue(v, depth + 1)]));
}

interface DebugLog {
  debug(...args: unknown[]): void;
}

/**
 * `log` with `debug(fields, message)` logging `summariseRequestBody(fields)` instead of the fields;
 * every other method and property is the logger's own.
 */
export function withSummarisedBodies<L extends object>(log: L): L {
  return new Proxy(log, {
    get(target, property) {
      if (property === 'debug') {
        return (first: unknown, ...rest: unknown[]) =>
          (target as unknown as DebugLog).debug(typeof first === 'object' && first !== null ? summariseRequestBody(first) : first, ...rest);
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
