/**
 * Probot logs every GitHub request at debug level with its whole body as the fields
 * (`octokit-plugin-probot-request-logging`): for Courier's commits that is every file's content, base64.
 * This keeps the line and replaces the body with what helps debugging: the GraphQL operation, the
 * body's size and the repository paths it touches.
 */

/** The paths a request body names (`fileChanges.additions[].path`, deletions, contents API paths). */
function pathsOf(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 8 || out.length >= 50 || typeof value !== 'object' || value === null) return out;
  if (Array.isArray(value)) {
    for (const item of value) pathsOf(item, out, depth + 1);
    return out;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'path' && typeof inner === 'string') out.push(inner);
    else pathsOf(inner, out, depth + 1);
  }
  return out;
}

/** What is logged instead of a request body. */
export function requestBodySummary(body: unknown): Record<string, unknown> {
  // Courier's GraphQL documents arrive serialised already (github-client.ts sends them as text).
  if (typeof body === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { bytes: Buffer.byteLength(body) };
    }
    return { ...requestBodySummary(parsed), bytes: Buffer.byteLength(body) };
  }
  if (typeof body !== 'object' || body === null) return {};
  const record = body as { query?: unknown; variables?: unknown };
  const bytes = Buffer.byteLength(JSON.stringify(body));
  const operation = typeof record.query === 'string' ? /^\s*(query|mutation)\s+(\w+)/.exec(record.query)?.[2] : undefined;
  const paths = pathsOf(record.variables ?? body);
  return { ...(operation ? { operation } : {}), bytes, ...(paths.length > 0 ? { paths } : {}) };
}

interface Log {
  /** pino's: lets the summary be skipped when debug lines are dropped anyway. */
  isLevelEnabled?(level: string): boolean;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** Wraps an Octokit `log` so request-logging lines carry a summary instead of the body. */
export function summarisingRequestLog<L extends Log>(log: L): L {
  const wrapped = Object.create(log) as L;
  wrapped.debug = (fields: unknown, ...rest: unknown[]) => {
    // Summarising serialises the body (a commit: every file), which stalls the event loop for nothing
    // when debug lines are dropped (issue 13).
    if (log.isLevelEnabled?.('debug') === false) return;
    if (typeof rest[0] === 'string' && rest[0].startsWith('GitHub request:')) log.debug(requestBodySummary(fields), ...rest);
    else log.debug(fields, ...rest);
  };
  return wrapped;
}
