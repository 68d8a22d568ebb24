/**
 * What a cluster's check run on one commit says: status/conclusion from the objects at that commit,
 * and a Markdown table of every Kustomization/HelmRelease of the cluster from the repository.
 */
import type { ReportObject } from '../core/reconcile/report.ts';

/** The check-run fields Courier sets. */
export interface CheckRunContent {
  status: 'queued' | 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure';
  title: string;
  summary: string;
}

const STATE_TEXT = { pending: '⏳ pending', in_progress: '🔄 in progress', success: '✅ success', failure: '❌ failure' } as const;

/**
 * The content of the run of `cluster` on `sha`. `objects` are all the cluster's objects from the
 * repository; those at `sha` decide the status. `commitTime` gives the lead-time column.
 */
export function checkRunContent(cluster: string, sha: string, objects: readonly ReportObject[], commitTime: Date | undefined): CheckRunContent {
  const here = objects.filter((o) => o.revision.sha === sha);
  const count = (state: ReportObject['state']) => here.filter((o) => o.state === state).length;
  const failed = here.filter((o) => o.state === 'failure');
  let content: Omit<CheckRunContent, 'summary'>;
  if (failed.length > 0) {
    const first = failed[0]!;
    content = { status: 'completed', conclusion: 'failure', title: `${cluster}: ${failed.length} failed — ${first.kind} ${first.namespace}/${first.name}${first.reason ? ` (${first.reason})` : ''}` };
  } else if (count('in_progress') > 0) {
    content = { status: 'in_progress', title: `${cluster}: applying (${count('success')}/${here.length} ready)` };
  } else if (count('pending') > 0) {
    content = { status: 'queued', title: `${cluster}: waiting to apply (${count('pending')} pending)` };
  } else {
    content = { status: 'completed', conclusion: 'success', title: `${cluster}: ${here.length} applied successfully` };
  }
  const rows = [...objects]
    .sort((a, b) => `${a.kind}/${a.namespace}/${a.name}`.localeCompare(`${b.kind}/${b.namespace}/${b.name}`))
    .map((o) =>
      [
        `${o.kind} ${o.namespace}/${o.name}`,
        o.revision.sha === sha ? STATE_TEXT[o.state] : `${STATE_TEXT[o.state]} at \`${o.revision.sha?.slice(0, 7) ?? '?'}\``,
        o.reason ?? '',
        cell([o.message, o.failing?.length ? `failing: ${o.failing.join(', ')}` : undefined].filter(Boolean).join(' — ')),
        o.revision.sha === sha ? leadTime(o, commitTime) : '',
      ].join(' | '),
    );
  const summary = [
    `Cluster **${cluster}** on \`${sha.slice(0, 7)}\`.`,
    '',
    '| object | state | reason | message | lead time |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
  return { ...content, summary: summary.slice(0, 65_000) };
}

/** Commit time → applied (the Ready transition of a success), e.g. `4m 12s`. */
function leadTime(o: ReportObject, commitTime: Date | undefined): string {
  if (o.state !== 'success' || !commitTime || !o.lastTransitionTime) return '';
  const ms = Date.parse(o.lastTransitionTime) - commitTime.getTime();
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s % 60}s` : `${s}s`;
}

function cell(text: string): string {
  const flat = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}…` : flat;
}
