/**
 * In-cluster reporter entrypoint: wiring only. Watches Flux objects and sends signed reconcile
 * reports to the Courier app (`npm run reporter`; `node dist/reporter.js` in the image).
 * No Kubernetes client library: KubeConnection GETs and watches (client-node cost 110 MiB with its
 * index, 73 MiB peak with its `Watch` alone).
 */
import { inClusterOptions, KubeConnection, kubeconfigOptions } from './watch/kube-connection.ts';
import { createLogger } from './watch/logger.ts';
import { httpPostJson } from './watch/http-post.ts';
import { ReportSender } from './watch/report-sender.ts';
import { reporterConfigFromEnv } from './watch/reporter-config.ts';
import { startReporterService } from './watch/reporter-service.ts';

let config: ReturnType<typeof reporterConfigFromEnv>;
let connection: KubeConnection;
try {
  config = reporterConfigFromEnv(process.env);
  connection = new KubeConnection(config.kubeconfig ? await kubeconfigOptions(config.kubeconfig) : inClusterOptions(process.env));
} catch (err) {
  process.stderr.write(`courier reporter: ${(err as Error).message}\n`);
  process.exit(2);
}
const log = createLogger(config.logLevel);
const sender = new ReportSender({
  cluster: config.cluster,
  secret: config.secret,
  post: httpPostJson(config.reportUrl),
  log,
  fullReportIntervalMs: config.fullReportIntervalMs,
});
const reporter = await startReporterService({
  getJson: (path) => connection.getJson(path),
  watch: connection,
  sender,
  log,
});
log.info('reporter started', { cluster: config.cluster, objects: reporter.store.size });

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log.info('stopping', { signal });
    void reporter.stop().finally(() => {
      connection.close();
      process.exit(0);
    });
  });
}
