/**
 * Parsers for the few HTTP headers the distribution API relies on: `WWW-Authenticate` challenges
 * (RFC 7235), `Link` (RFC 8288, formerly 5988) and `Retry-After` (RFC 9110 §10.2.3).
 */

/** One authentication challenge: scheme (lowercase) and its auth-params (names lowercase). */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses a `WWW-Authenticate` value into its challenges. Quoted values may hold commas
 * (`scope="repository:a:pull,push"`), so this is a small tokenizer, not a split.
 */
export function parseWwwAuthenticate(value: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let i = 0;
  const skip = (re: RegExp): void => {
    while (i < value.length && re.test(value[i]!)) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < value.length && /[^\s,=]/.test(value[i]!)) i++;
    return value.slice(start, i);
  };
  while (i < value.length) {
    skip(/[\s,]/);
    const scheme = token();
    if (!scheme) break;
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    for (;;) {
      skip(/[\s,]/);
      const save = i;
      const name = token();
      skip(/\s/);
      if (!name || value[i] !== '=') {
        // Not an auth-param: the next challenge's scheme starts here.
        i = save;
        break;
      }
      i++;
      skip(/\s/);
      let v = '';
      if (value[i] === '"') {
        i++;
        while (i < value.length && value[i] !== '"') {
          if (value[i] === '\\' && i + 1 < value.length) i++;
          v += value[i];
          i++;
        }
        i++;
      } else {
        v = token();
      }
      challenge.params[name.toLowerCase()] = v;
    }
  }
  return challenges;
}

/** The target of the `rel="next"` link in a `Link` header, as written (possibly relative), or undefined. */
export function parseNextLink(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  for (const m of value.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const params = m[2] ?? '';
    const rel = /;\s*rel\s*=\s*"?([^";,]+)"?/i.exec(params)?.[1];
    if (rel && rel.split(/\s+/).some((r) => r.toLowerCase() === 'next')) return m[1];
  }
  return undefined;
}

/** `Retry-After` as milliseconds from `nowMs` (delta-seconds or HTTP-date), or undefined when absent or invalid. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
