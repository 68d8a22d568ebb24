/**
 * Which report sources are GitHub: `github.com`, or the `GHE_HOST` of a GitHub Enterprise Server
 * (host with optional port, as Probot takes it). HTTPS URLs must match host and port; SSH URLs
 * only the host name, since their port is the SSH port, not the web one.
 */
import type { ReportSource } from '../core/reconcile/report.ts';

/** True when the source lives on the GitHub this app serves. */
export function isGitHubSource(source: ReportSource, gheHost: string | undefined): boolean {
  const host = source.host.toLowerCase();
  if (!gheHost) return host === 'github.com' || host === 'www.github.com';
  const ghe = gheHost.toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  if (/^https?:\/\//i.test(source.url)) return host === ghe;
  return hostname(host) === hostname(ghe);
}

function hostname(host: string): string {
  return host.replace(/:\d+$/, '');
}
