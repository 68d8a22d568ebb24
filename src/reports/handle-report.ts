/**
 * `POST /api/courier/reports`, framework-free: the app mounts it and passes the raw body and headers.
 * Order matters: authenticate first (cluster known, timestamp fresh, HMAC valid, not a replay) — any
 * failure is 401 and nothing is written; then the shape (400); then, per object, whether the
 * repository is on this GitHub, served by the app and lists the cluster in `environments[].clusters`;
 * other objects are ignored and counted. A GitHub failure while writing is 503, so the reporter retries.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { reportSchema, type ReportObject } from '../core/reconcile/report.ts';
import { SIGNATURE_HEADERS, verifyReportSignature } from '../core/reconcile/signature.ts';
import type { ClusterReport } from './check-runs.ts';
import { isGitHubSource } from './github-host.ts';
import type { ReplayGuard } from './replay-guard.ts';
import type { ReportMetrics } from './report-metrics.ts';

/** The part of `.github/courier.yml` the endpoint reads. */
export interface RepositoryEnvironments {
  environments: Array<{ name: string; clusters: readonly string[] }>;
}

/** Everything handleReport needs, injected. */
export interface ReportHandlerDeps {
  /** Cluster name → secret (from COURIER_CLUSTER_SECRETS_FILE). */
  clusterSecrets: ReadonlyMap<string, string>;
  /** The repository's config, or undefined when the app does not serve it. */
  repositoryConfig(owner: string, repo: string): Promise<RepositoryEnvironments | undefined>;
  /** Writes the check runs (a CheckRunWriter). */
  writer: { apply(report: ClusterReport): Promise<void> };
  metrics: ReportMetrics;
  /** One per process; its window should be the tolerance. */
  replay: ReplayGuard;
  now(): Date;
  /** Probot's GHE_HOST, when serving GitHub Enterprise Server. */
  gheHost?: string;
  /** Accepted clock skew, seconds (default 300). */
  toleranceSeconds?: number;
  log?: { warn(obj: object, msg: string): void };
}

/** The HTTP answer. */
export interface ReportResponse {
  status: number;
  body: Record<string, unknown>;
}

/** Authenticates, validates and applies one report. */
export async function handleReport(rawBody: Buffer, headers: IncomingHttpHeaders, deps: ReportHandlerDeps): Promise<ReportResponse> {
  const header = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const cluster = header(SIGNATURE_HEADERS.cluster);
  const unauthorized = (why: string): ReportResponse => {
    deps.metrics.reports.inc({ result: 'unauthorized' });
    deps.log?.warn({ cluster, why }, 'report rejected');
    return { status: 401, body: { error: 'unauthorized' } };
  };
  const timestampText = header(SIGNATURE_HEADERS.timestamp);
  const signature = header(SIGNATURE_HEADERS.signature);
  if (!cluster || !timestampText || !signature) return unauthorized('missing signature headers');
  const secret = deps.clusterSecrets.get(cluster);
  if (!secret) return unauthorized('unknown cluster');
  const timestamp = /^\d{1,12}$/.test(timestampText) ? Number(timestampText) : Number.NaN;
  const nowSeconds = Math.floor(deps.now().getTime() / 1000);
  if (!Number.isFinite(timestamp) || Math.abs(nowSeconds - timestamp) > (deps.toleranceSeconds ?? 300)) return unauthorized('timestamp outside the window');
  if (!verifyReportSignature(secret, timestamp, rawBody, signature)) return unauthorized('bad signature');
  if (deps.replay.isReplay(signature, nowSeconds)) return unauthorized('replayed');
  // Remembered once processed, not on a 503: the reporter's retry may carry the same signature.
  const processed = (response: ReportResponse): ReportResponse => {
    deps.replay.remember(signature, nowSeconds);
    return response;
  };

  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    deps.metrics.reports.inc({ result: 'invalid' });
    return processed({ status: 400, body: { error: 'body is not valid JSON' } });
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    deps.metrics.reports.inc({ result: 'invalid' });
    const problems = parsed.error.issues.slice(0, 20).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return processed({ status: 400, body: { error: 'report does not match the documented shape (version 1)', problems } });
  }
  if (parsed.data.cluster !== cluster) return unauthorized('report names another cluster than its signature');

  const ignore = (reason: string, n: number) => deps.metrics.ignoredObjects.inc({ reason }, n);
  const byRepo = new Map<string, { owner: string; repo: string; objects: ReportObject[] }>();
  let ignored = 0;
  for (const object of parsed.data.objects) {
    if (!isGitHubSource(object.source, deps.gheHost)) {
      ignore('not_github', 1);
      ignored++;
      continue;
    }
    const key = `${object.source.owner}/${object.source.repo}`.toLowerCase();
    let group = byRepo.get(key);
    if (!group) byRepo.set(key, (group = { owner: object.source.owner, repo: object.source.repo, objects: [] }));
    group.objects.push(object);
  }
  let accepted = 0;
  try {
    for (const { owner, repo, objects } of byRepo.values()) {
      const config = await deps.repositoryConfig(owner, repo);
      if (!config) {
        ignore('repository_not_served', objects.length);
        ignored += objects.length;
        continue;
      }
      const environment = config.environments.find((e) => e.clusters.includes(cluster));
      if (!environment) {
        ignore('cluster_not_registered', objects.length);
        ignored += objects.length;
        continue;
      }
      await deps.writer.apply({ owner, repo, environment: environment.name, cluster, objects });
      accepted += objects.length;
    }
  } catch (err) {
    deps.metrics.reports.inc({ result: 'error' });
    deps.log?.warn({ cluster, error: (err as Error).message }, 'report not applied');
    return { status: 503, body: { error: 'could not write check runs; retry later' } };
  }
  deps.metrics.reports.inc({ result: 'accepted' });
  return processed({ status: 202, body: { accepted, ignored } });
}
