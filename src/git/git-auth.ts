/**
 * Per-command git authentication for GitHub App installation tokens. The token travels only in the
 * environment of one git process (`GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`, git ≥ 2.31),
 * so it is never written to `.git/config`, a credential store, or a command line visible in `ps`.
 * GitHub accepts the token as HTTP basic auth with the user `x-access-token`:
 * https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/authenticating-as-a-github-app-installation
 */

/** The `Authorization` header value git sends for an installation token. */
export function basicAuthHeader(token: string): string {
  return `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
}

/**
 * Environment for one git process: a minimal base (no inherited GIT_* variables, no prompts, C locale
 * so error texts can be matched) plus, with a token, the auth header as environment-only config.
 * `credential.helper` is reset to empty so no configured helper can store or offer credentials.
 */
export function gitEnv(token?: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/',
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'credential.helper',
    GIT_CONFIG_VALUE_0: '',
  };
  if (token !== undefined) {
    env.GIT_CONFIG_COUNT = '2';
    env.GIT_CONFIG_KEY_1 = 'http.extraHeader';
    env.GIT_CONFIG_VALUE_1 = `Authorization: ${basicAuthHeader(token)}`;
  }
  return env;
}

/** Every form in which a token could surface in git output: raw, and inside the basic-auth header. */
export function secretForms(token: string | undefined): string[] {
  if (!token) return [];
  const b64 = Buffer.from(`x-access-token:${token}`).toString('base64');
  return [token, b64, encodeURIComponent(token)];
}

/** Replaces every occurrence of the given secrets in `text` with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('***');
  return out;
}

/** Transports a clone URL may use; git's `ext::` and friends could run commands. */
const PROTOCOLS = new Set(['https:', 'http:', 'file:']);

/**
 * Rejects clone URLs that carry credentials (so a token can never reach `remote.origin.url`) or use a
 * transport other than http(s) or, for tests and local mirrors, file.
 */
export function assertCloneUrl(cloneUrl: string): void {
  let url: URL;
  try {
    url = new URL(cloneUrl);
  } catch {
    throw new Error(`clone URL is not a valid URL: ${JSON.stringify(cloneUrl)}`);
  }
  if (!PROTOCOLS.has(url.protocol)) {
    throw new Error(`clone URL ${url.protocol}//${url.host}${url.pathname} uses an unsupported transport; use https`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new Error(
      `clone URL ${url.protocol}//${url.host}${url.pathname} carries credentials; pass the token through RepoHandle.token instead`,
    );
  }
}
