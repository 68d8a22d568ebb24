/**
 * `npm start`: the GitHub App server, configured by Probot's standard variables (APP_ID, PRIVATE_KEY
 * or PRIVATE_KEY_PATH, WEBHOOK_SECRET, GHE_HOST, GHE_PROTOCOL, LOG_LEVEL, WEBHOOK_PATH) plus PORT,
 * HOST and COURIER_RESYNC_INTERVAL. Wiring only.
 */
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import type { Registry } from 'prom-client';
import { createProbot } from 'probot';
import type { AppDeps, HttpRoute } from './app-deps.ts';
import { createCourierOctokit } from './handlers/octokit.ts';
import { parseResyncInterval } from './handlers/resync.ts';
import { startCourierServer, type CourierServer } from './http/server.ts';
import { createMetrics } from './metrics.ts';
import { createCourierDeps } from './wiring/courier-deps.ts';
import { warmUpConfigParsing } from './wiring/warm-up-config-parsing.ts';
import type { ServerServices } from './wiring/installations.ts';

/**
 * Starts the server from environment variables with the given dependencies. `octokitPlugins` lets
 * end-to-end tests turn Octokit's retry/throttling off (throttling spaces writes a second apart).
 */
export async function runServer(
  deps: AppDeps,
  env: NodeJS.ProcessEnv = process.env,
  routes?: (services: ServerServices, metricsRegistry: Registry) => HttpRoute[],
  options: { octokitPlugins?: Parameters<typeof createCourierOctokit>[1] } = {},
): Promise<CourierServer> {
  // The first parse compiles the YAML parser and the schema: at boot, not inside the first webhook.
  warmUpConfigParsing(deps.validateConfig);
  const metrics = createMetrics({ processMetrics: true });
  // createProbot reads APP_ID, the private key, WEBHOOK_SECRET, GHE_HOST/GHE_PROTOCOL and LOG_LEVEL itself.
  const probot = createProbot({ env, overrides: { Octokit: createCourierOctokit(metrics, options.octokitPlugins) } });
  const courier = await startCourierServer({
    probot,
    deps,
    metrics,
    port: Number(env.PORT ?? 3000),
    ...(env.HOST ? { host: env.HOST } : {}),
    resyncIntervalMs: parseResyncInterval(env.COURIER_RESYNC_INTERVAL),
    version: env.npm_package_version ?? 'dev',
    ...(routes ? { routes: (services: ServerServices) => routes(services, metrics.registry) } : {}),
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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { deps, routes } = createCourierDeps(process.env, pino({ name: 'courier', level: process.env.LOG_LEVEL ?? 'info' }));
  await runServer(deps, process.env, routes);
}
