/** What happens when a batch closes: the job runs through the injected deps, then metrics and a log line. */
import type { AppDeps, AppLog } from '../app-deps.ts';
import { recordOutcomes, type CourierMetrics } from '../metrics.ts';
import type { FlushHandler } from './release-batcher.ts';

/** The batcher's flush: the image job for the batch's releases, outcomes recorded as metrics and logged. */
export function imageJobFlush(deps: Pick<AppDeps, 'runJob' | 'now'>, metrics: CourierMetrics, log: Pick<AppLog, 'info'>): FlushHandler {
  return async (target, releases, receivedAt, join) => {
    const outcomes = await deps.runJob(target, { kind: 'image', releases, ...(join ? { keepBranchOf: join.keepBranchOf } : {}) });
    recordOutcomes(metrics, outcomes, receivedAt, deps.now());
    const summary = outcomes.map((o) => `${o.environment}: ${o.action}${o.pullRequest ? ` #${o.pullRequest.number}` : ''}`);
    log.info(`${target.owner}/${target.repo}: ${releases.length} releases → ${summary.join(', ') || 'no environments'}`);
    return outcomes;
  };
}
