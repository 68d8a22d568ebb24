/** The reporter's configuration from the environment (issue 4, item 2); errors name the variable to set. */
import { readFileSync } from 'node:fs';
import type { LogLevel } from './logger.ts';

/** Everything the reporter needs to run. */
export interface ReporterConfig {
  /** Full URL reports are POSTed to (`<COURIER_URL>/api/courier/reports`). */
  reportUrl: string;
  cluster: string;
  secret: string;
  /** Path of a kubeconfig, or undefined for the in-cluster service account. */
  kubeconfig?: string;
  logLevel: LogLevel;
  fullReportIntervalMs: number;
}

/** Thrown for missing or invalid configuration. */
export class ReporterConfigError extends Error {
  override name = 'ReporterConfigError';
}

/** Reads and validates the reporter's environment. */
export function reporterConfigFromEnv(env: Record<string, string | undefined>, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): ReporterConfig {
  const need = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new ReporterConfigError(`${name} is not set`);
    return value;
  };
  const base = need('COURIER_URL');
  let reportUrl: string;
  try {
    reportUrl = new URL('api/courier/reports', base.endsWith('/') ? base : `${base}/`).toString();
  } catch {
    throw new ReporterConfigError(`COURIER_URL is not a URL: "${base}"`);
  }
  const cluster = need('COURIER_CLUSTER');
  let secret = env.COURIER_CLUSTER_SECRET?.trim();
  if (!secret && env.COURIER_CLUSTER_SECRET_FILE) {
    try {
      secret = readFile(env.COURIER_CLUSTER_SECRET_FILE).trim();
    } catch (err) {
      throw new ReporterConfigError(`COURIER_CLUSTER_SECRET_FILE ${env.COURIER_CLUSTER_SECRET_FILE}: ${(err as Error).message}`);
    }
  }
  if (!secret) throw new ReporterConfigError('set COURIER_CLUSTER_SECRET or COURIER_CLUSTER_SECRET_FILE (the cluster secret is empty)');
  const level = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new ReporterConfigError(`LOG_LEVEL must be debug, info, warn or error, not "${level}"`);
  const interval = Number(env.COURIER_FULL_REPORT_SECONDS ?? 300);
  if (!Number.isFinite(interval) || interval < 0) throw new ReporterConfigError('COURIER_FULL_REPORT_SECONDS must be a number of seconds');
  const config: ReporterConfig = { reportUrl, cluster, secret, logLevel: level, fullReportIntervalMs: interval * 1000 };
  if (env.KUBECONFIG) config.kubeconfig = env.KUBECONFIG.split(':')[0]!;
  return config;
}
