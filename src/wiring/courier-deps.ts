/**
 * The real dependencies of the App, from the environment: config validation, the clone cache, the
 * jobs (planner and write path), registry polling, and the registry/report routes. Wiring only.
 */
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { AgeIdentityError, parseAgeIdentities, type AgeIdentity } from '../core/sops/index.ts';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { AppDeps, HttpRoute } from '../app-deps.ts';
import { validateCourierConfig } from '../core/config/index.ts';
import { CloneCache } from '../git/clone-cache.ts';
import { createRegistryClient } from '../registry/oci-client.ts';
import { notificationSettingsFromEnv } from '../registry/notification-auth.ts';
import { loadClusterSecrets } from '../reports/cluster-secrets.ts';
import { createJobs } from '../jobs/jobs.ts';
import type { JobRetry } from '../jobs/job-runner.ts';
import { createPlanWorker } from '../jobs/plan-worker.ts';
import { releaseDetails } from './release-details.ts';
import type { ServerServices } from './installations.ts';
import { courierRoutes } from './routes.ts';

/** A logger with pino's object-first signature. */
export interface WiringLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Builds the App's dependencies and its service routes from environment variables. */
export function createCourierDeps(
  env: NodeJS.ProcessEnv,
  log: WiringLog,
  options: { jobRetry?: JobRetry } = {},
): { deps: AppDeps; routes: (services: ServerServices, metricsRegistry: Registry) => HttpRoute[] } {
  const now = () => new Date();
  const cloneCache = new CloneCache({
    root: env.COURIER_CACHE_DIR ?? join(tmpdir(), 'courier-clone-cache'),
    ...(env.COURIER_CACHE_MAX_BYTES ? { maxBytes: Number(env.COURIER_CACHE_MAX_BYTES) } : {}),
    log: (msg, fields) => log.info(fields, msg),
  });
  const registry = createRegistryClient();
  // Release details are a nicety: one quick attempt, no retries, so an unreachable registry costs nothing.
  const details = env.COURIER_RELEASE_DETAILS !== 'off';
  const describeRelease = releaseDetails(createRegistryClient({ retry: { retries: 0 } }), log);
  // Planning a burst takes seconds of CPU; off the main thread the App keeps answering webhooks and /healthz.
  const planWorker = env.COURIER_PLAN_IN_WORKER === 'off' ? undefined : createPlanWorker();
  let identities: Promise<AgeIdentity[]> | undefined;
  const appId = env.APP_ID && /^\d+$/.test(env.APP_ID) ? Number(env.APP_ID) : undefined;
  const jobs = createJobs({
    cloneCache,
    log,
    now,
    ...(options.jobRetry ? { retry: options.jobRetry } : {}),
    ...(planWorker ? { planOffThread: planWorker.plan } : {}),
    listTags: (repository) => registry.listTags(repository),
    ...(details ? { describeRelease } : {}),
    ...(appId !== undefined ? { appId } : {}),
    identities: () => (identities ??= appIdentities(env, log)),
  });
  const deps: AppDeps = { validateConfig: validateCourierConfig, runJob: jobs.runJob, resync: jobs.resync, promote: jobs.promote, fleetState: jobs.fleetState, explain: jobs.explain, rollback: jobs.rollback, rollout: jobs.rollout, rotateKeys: jobs.rotation.start, checkSecrets: jobs.checkSecrets, now };
  const clusterSecrets = env.COURIER_CLUSTER_SECRETS_FILE ? loadClusterSecrets(env.COURIER_CLUSTER_SECRETS_FILE) : new Map<string, string>();
  if (clusterSecrets.size === 0) log.warn({}, 'no COURIER_CLUSTER_SECRETS_FILE (or it names no cluster): every cluster report will be refused');
  const routes = (services: ServerServices, metricsRegistry: Registry) =>
    courierRoutes(services, deps, {
      registry: notificationSettingsFromEnv(env),
      clusterSecrets,
      metricsRegistry,
      ...(env.GHE_HOST ? { gheHost: env.GHE_HOST } : {}),
    });
  return { deps, routes };
}

/** The App's age identities, given as sops users give them; a bad value is logged (never the key) and none are used. */
async function appIdentities(env: NodeJS.ProcessEnv, log: WiringLog): Promise<AgeIdentity[]> {
  try {
    const out: AgeIdentity[] = [];
    if (env.SOPS_AGE_KEY) out.push(...(await parseAgeIdentities(env.SOPS_AGE_KEY, 'SOPS_AGE_KEY')));
    if (env.SOPS_AGE_KEY_FILE) out.push(...(await parseAgeIdentities(await readFile(env.SOPS_AGE_KEY_FILE, 'utf8'), 'SOPS_AGE_KEY_FILE')));
    return out;
  } catch (error) {
    log.warn({}, `age identities unusable, MACs are not verified: ${error instanceof AgeIdentityError ? error.message : `SOPS_AGE_KEY_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`}`);
    return [];
  }
}
