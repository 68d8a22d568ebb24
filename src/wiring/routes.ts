/** The App's routes besides Probot's webhook: registry notifications and cluster reports. */
import { fromOctokit, type OctokitLike } from '../github/github-client.ts';
import type { Registry } from 'prom-client';
import type { AppDeps, HttpRoute } from '../app-deps.ts';
import { handleRegistryNotification } from '../registry/notification-route.ts';
import type { RegistryNotificationEnv } from '../registry/notification-auth.ts';
import { CheckRunWriter } from '../reports/check-runs.ts';
import { handleReport } from '../reports/handle-report.ts';
import { ReplayGuard } from '../reports/replay-guard.ts';
import { createReportMetrics } from '../reports/report-metrics.ts';
import { dispatchToInstallations, repositoryConfigs, type ServerServices } from './installations.ts';

/** Settings of the routes, read from the environment by main.ts. */
export interface RouteSettings {
  registry: RegistryNotificationEnv;
  clusterSecrets: ReadonlyMap<string, string>;
  gheHost?: string;
  metricsRegistry: Registry;
}

/** Clock skew accepted on signed reports, seconds; replays are remembered as long. */
const REPORT_TOLERANCE_SECONDS = 300;

/** Builds `POST /api/courier/registry/:provider` and `POST /api/courier/reports` on the server's services. */
export function courierRoutes(services: ServerServices, deps: Pick<AppDeps, 'validateConfig' | 'wants' | 'now'>, settings: RouteSettings): HttpRoute[] {
  const now = () => deps.now();
  const onReleases = dispatchToInstallations(services, deps);
  const repos = repositoryConfigs(services, deps, now);
  const writer = new CheckRunWriter({
    now,
    async clientFor(owner, repo) {
      const client = await repos.clients(owner, repo);
      if (!client) throw new Error(`${owner}/${repo}: Courier is not installed there`);
      return fromOctokit(client.octokit as unknown as OctokitLike);
    },
  });
  const reportDeps = {
    clusterSecrets: settings.clusterSecrets,
    repositoryConfig: (owner: string, repo: string) => repos.config(owner, repo),
    writer,
    metrics: createReportMetrics(settings.metricsRegistry),
    replay: new ReplayGuard(REPORT_TOLERANCE_SECONDS),
    now,
    toleranceSeconds: REPORT_TOLERANCE_SECONDS,
    ...(settings.gheHost ? { gheHost: settings.gheHost } : {}),
    log: services.log,
  };
  return [
    {
      method: 'POST',
      path: '/api/courier/registry/:provider',
      handle: (req) =>
        handleRegistryNotification(
          req.params.provider ?? '',
          req.rawBody,
          req.headers,
          { secrets: settings.registry.secrets, hosts: settings.registry.hosts, onReleases, log: services.log },
          req.query,
        ),
    },
    {
      method: 'POST',
      path: '/api/courier/reports',
      handle: (req) => handleReport(req.rawBody, req.headers, reportDeps),
    },
  ];
}
