/**
 * Git repository URLs (GitRepository `spec.url`, OCI `org.opencontainers.image.source`) → host,
 * owner and repository. Which hosts are GitHub is decided by the app, not here.
 */

/** Where a source lives: `host` keeps a non-default port (`ghe.example.com:2222`). */
export interface SourceLocation {
  url: string;
  host: string;
  owner: string;
  repo: string;
}

/**
 * Parses https/http, `ssh://[user@]host[:port]/owner/repo[.git]`, scp-like `user@host:owner/repo.git`
 * and scheme-less `github.com/owner/repo` forms. Returns undefined for anything without an owner and repo.
 */
export function parseGitUrl(url: string | undefined): SourceLocation | undefined {
  if (!url) return undefined;
  const text = url.trim();
  let host: string;
  let path: string;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (scheme) {
    try {
      const parsed = new URL(text);
      host = parsed.host.toLowerCase();
      path = decodeURIComponent(parsed.pathname); // throws on a malformed escape such as `%zz`
    } catch {
      return undefined;
    }
  } else {
    // scp-like `git@github.com:acme/fleet.git`: the colon separates host and path (no port possible).
    const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(text);
    if (scp) {
      host = scp[1]!.toLowerCase();
      path = scp[2]!;
    } else {
      const bare = /^([a-z0-9.-]+\.[a-z]{2,}(?::\d+)?)\/(.+)$/i.exec(text);
      if (!bare) return undefined;
      host = bare[1]!.toLowerCase();
      path = bare[2]!;
    }
  }
  const parts = path.replace(/\/+$/, '').replace(/\.git$/, '').split('/').filter(Boolean);
  if (parts.length < 2 || !host) return undefined;
  // GitHub paths are exactly owner/repo; longer paths (GitLab subgroups) keep the last segment as repo.
  const repo = parts[parts.length - 1]!;
  const owner = parts.slice(0, -1).join('/');
  return { url: text, host, owner, repo };
}
