/** Courier's own routes: liveness and Prometheus metrics. */
import type { HttpRoute } from '../app-deps.ts';
import type { CourierMetrics } from '../metrics.ts';

/** `GET /healthz` (200 JSON while the process serves) and `GET /metrics` (Prometheus text format). */
export function builtinRoutes(metrics: CourierMetrics, version: string): HttpRoute[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      handle: async () => ({ status: 200, body: { status: 'ok', version } }),
    },
    {
      method: 'GET',
      path: '/metrics',
      handle: async () => ({
        status: 200,
        body: await metrics.registry.metrics(),
        headers: { 'content-type': metrics.registry.contentType },
      }),
    },
  ];
}
