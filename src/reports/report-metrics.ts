/** Prometheus metrics of the report endpoint, registered in the registry the app passes in. */
import { Counter, type Registry } from 'prom-client';

/** Counters of reports and of objects ignored within valid reports. */
export interface ReportMetrics {
  reports: Counter<'result'>;
  ignoredObjects: Counter<'reason'>;
}

/** Creates the counters in `registry`. */
export function createReportMetrics(registry: Registry): ReportMetrics {
  return {
    reports: new Counter({
      name: 'courier_reports_total',
      help: 'Cluster reports received, by result (accepted, unauthorized, invalid, error).',
      labelNames: ['result'],
      registers: [registry],
    }),
    ignoredObjects: new Counter({
      name: 'courier_report_objects_ignored_total',
      help: 'Objects in valid reports that were ignored, by reason (not_github, repository_not_served, cluster_not_registered).',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
}
