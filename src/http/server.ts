/**
 * The app server: Courier's routes first, then Probot's webhook middleware (signature-checked), on one
 * Node HTTP server. Owns the batcher and the periodic resync so shutdown can finish their work.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeMiddleware, type Probot } from 'probot';
import { courierApp } from '../app.ts';
import type { AppDeps, HttpRoute } from '../app-deps.ts';
import type { ServerServices } from '../wiring/installations.ts';
import type { CourierMetrics } from '../metrics.ts';
import { InstallationCache } from '../handlers/installation-cache.ts';
import { ReleaseBatcher, type Scheduler } from '../handlers/release-batcher.ts';
import { Resync } from '../handlers/resync.ts';
import { imageJobFlush } from '../handlers/run-jobs.ts';
import { builtinRoutes } from './builtin-routes.ts';
import { createRouter } from './router.ts';

/** A running server. */
export interface CourierServer {
  server: Server;
  /** `http://host:port` it listens on. */
  url: string;
  batcher: ReleaseBatcher;
  resync: Resync;
  /** Stops accepting requests, stops the resync, flushes open batches and waits for them. */
  close(): Promise<void>;
}

/** Starts the server on `host:port` (port 0 picks a free one). */
export async function startCourierServer(options: {
  probot: Probot;
  deps: AppDeps;
  metrics: CourierMetrics;
  port: number;
  host?: string;
  resyncIntervalMs: number;
  scheduler?: Scheduler;
  version?: string;
  /** Routes that need the server's own services (fan-out to installations, the batcher). */
  routes?: (services: ServerServices) => HttpRoute[];
}): Promise<CourierServer> {
  const { probot, deps, metrics } = options;
  // Probot 14 builds its logger and Octokit lazily; the server needs the logger now.
  await probot.ready();
  const log = probot.log.child({ name: 'courier' });
  const batcher = new ReleaseBatcher({
    flush: imageJobFlush(deps, metrics, log),
    now: () => deps.now(),
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    onError: (error, target) => log.error({ err: error }, `image update of ${target.owner}/${target.repo} failed`),
  });
  const resync = new Resync({
    probot,
    deps,
    log,
    intervalMs: options.resyncIntervalMs,
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
  });
  const cache = new InstallationCache({ now: () => deps.now() });
  const webhooks = await createNodeMiddleware(courierApp({ deps, metrics, batcher, cache }), { probot });
  const serviceRoutes = options.routes?.({ probot, batcher, cache, log }) ?? [];
  const router = createRouter([...builtinRoutes(metrics, options.version ?? 'dev'), ...(deps.httpRoutes ?? []), ...serviceRoutes], { log });

  const server = createServer((req, res) => {
    void (async () => {
      if (await router(req, res)) return;
      await webhooks(req, res, () => {
        res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end('{"error":"not found"}');
      });
    })().catch((error: unknown) => {
      log.error({ err: error }, 'request failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  resync.start();
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    batcher,
    resync,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await resync.stop();
      await batcher.drain();
    },
  };
}
