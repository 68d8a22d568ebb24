/**
 * `npm start`: the GitHub App server, configured by Probot's standard variables (APP_ID, PRIVATE_KEY
 * or PRIVATE_KEY_PATH, WEBHOOK_SECRET, GHE_HOST, GHE_PROTOCOL, LOG_LEVEL, WEBHOOK_PATH) plus PORT,
 * HOST and COURIER_RESYNC_INTERVAL. Wiring only.
 */
import { pathToFileURL } from 'node:url';
import { createProbot } from 'probot';
import type { AppDeps } from './app-deps.ts';
import { createCourierOctokit } from './handlers/octokit.ts';
import { parseResyncInterval } from './handlers/resync.ts';
import { startCourierServer, type CourierServer } from './http/server.ts';
import { createMetrics } from './metrics.ts';

/** Starts the server from environment variables with the given dependencies. */
export async function runServer(deps: AppDeps, env: NodeJS.ProcessEnv = process.env): Promise<CourierServer> {
  const metrics = createMetrics({ processMetrics: true });
  // createProbot reads APP_ID, the private key, WEBHOOK_SECRET, GHE_HOST/GHE_PROTOCOL and LOG_LEVEL itself.
  const probot = createProbot({ env, overrides: { Octokit: createCourierOctokit(metrics) } });
  const courier = await startCourierServer({
    probot,
    deps,
    metrics,
    port: Number(env.PORT ?? 3000),
    ...(env.HOST ? { host: env.HOST } : {}),
    resyncIntervalMs: parseResyncInterval(env.COURIER_RESYNC_INTERVAL),
    version: env.npm_package_version ?? 'dev',
  });
  probot.log.info(`Courier listening on ${courier.url}`);
  const close = courier.close.bind(courier);
  const shutdown = (signal: string) => {
    probot.log.info(`${signal}: finishing open work`);
    void close().then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return {
    ...courier,
    async close() {
      process.off('SIGTERM', shutdown);
      process.off('SIGINT', shutdown);
      await close();
    },
  };
}

/**
 * Dependencies until the engine, config schema and write path are wired in: every config is reported
 * as unusable and nothing is written, so a half-built server can never act on a repository.
 */
export const unwiredDeps: AppDeps = {
  validateConfig: () => ({
    ok: false,
    problems: [{ path: '', message: 'this Courier build has no config validator wired in; nothing will be used' }],
  }),
  updateImages: () => Promise.reject(new Error('this Courier build has no image updater wired in')),
  resync: () => Promise.resolve([]),
  now: () => new Date(),
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runServer(unwiredDeps);
}
