/**
 * The gates of one promotion step, evaluated from data (cluster reports, reviews, holds, now); the
 * verdict says what each gate waits for and until when, so the `courier/gate/<env>` check run can show
 * it and a timer can re-evaluate when a soak or window ends. Pure: the clock is an argument.
 */

/** One health report of a cluster of the source environment on the promoted change (or a descendant). */
export interface ClusterReport {
  cluster: string;
  /** `failure` = the change failed to apply (rejects the version); `not-ready` = unhealthy for a while. */
  state: 'success' | 'not-ready' | 'failure';
  at: Date;
}

/** A change window: days of the week and local hours `HH:MM`–`HH:MM` in an IANA time zone. */
export interface ChangeWindow {
  days: readonly ('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[];
  start: string;
  end: string;
  timeZone: string;
}

/** Input of evaluateGates. */
export interface GateInput {
  clusters: readonly string[];
  reports: readonly ClusterReport[];
  /** Continuous health required of every cluster, in milliseconds; 0 = none. */
  soakMs: number;
  /** Allowed windows; empty = always open. */
  windows: readonly ChangeWindow[];
  requireApproval: boolean;
  /** Approving reviews by users with write permission (the caller filters by permission). */
  approvals: readonly string[];
  /** Holds that apply to this step (`prod`, `ghcr.io/acme/app`…), each with who set it. */
  holds: readonly { subject: string; by: string }[];
  now: Date;
}

/** One gate's state. `blocked` never opens by waiting (a failed cluster); `waiting` may. */
export interface GateState {
  gate: 'health' | 'soak' | 'window' | 'approval' | 'hold';
  state: 'open' | 'waiting' | 'blocked';
  detail: string;
  /** When the gate opens by itself (soak end, window start): the time to re-evaluate. */
  until?: Date;
}

/** The verdict: open only when every gate is open; `recheckAt` is the earliest `until`. */
export interface GateVerdict {
  open: boolean;
  gates: GateState[];
  recheckAt?: Date;
}

/** Evaluates every gate of a promotion step. */
export function evaluateGates(input: GateInput): GateVerdict {
  const gates: GateState[] = [healthGate(input), soakGate(input), windowGate(input.windows, input.now)];
  if (input.requireApproval) {
    gates.push(input.approvals.length > 0
      ? { gate: 'approval', state: 'open', detail: `approved by ${input.approvals.join(', ')}` }
      : { gate: 'approval', state: 'waiting', detail: 'waits for an approving review by someone with write permission' });
  }
  for (const hold of input.holds) gates.push({ gate: 'hold', state: 'waiting', detail: `held by ${hold.by} on ${hold.subject}: /courier release ${hold.subject} lifts it` });
  const untils = gates.flatMap((g) => (g.state === 'waiting' && g.until ? [g.until.getTime()] : []));
  return { open: gates.every((g) => g.state === 'open'), gates, ...(untils.length > 0 ? { recheckAt: new Date(Math.min(...untils)) } : {}) };
}

function latestOf(reports: readonly ClusterReport[], cluster: string): ClusterReport | undefined {
  return reports.filter((r) => r.cluster === cluster).sort((a, b) => b.at.getTime() - a.at.getTime())[0];
}

function healthGate(input: GateInput): GateState {
  const failed = input.clusters.filter((c) => latestOf(input.reports, c)?.state === 'failure');
  if (failed.length > 0) return { gate: 'health', state: 'blocked', detail: `${failed.join(', ')} failed to apply the change; the version is rejected until released` };
  const missing = input.clusters.filter((c) => latestOf(input.reports, c)?.state !== 'success');
  if (missing.length > 0) return { gate: 'health', state: 'waiting', detail: `waits for a healthy report from ${missing.join(', ')}` };
  return { gate: 'health', state: 'open', detail: `every cluster (${input.clusters.join(', ')}) applied the change healthily` };
}

/** Continuous health: a cluster's clock starts at its first success after its last non-success report. */
function soakGate(input: GateInput): GateState {
  if (input.soakMs <= 0) return { gate: 'soak', state: 'open', detail: 'no soak time configured' };
  let end = 0;
  for (const cluster of input.clusters) {
    const own = input.reports.filter((r) => r.cluster === cluster).sort((a, b) => a.at.getTime() - b.at.getTime());
    let since: number | undefined;
    for (const r of own) {
      if (r.state !== 'success') since = undefined;
      else since ??= r.at.getTime();
    }
    if (since === undefined) return { gate: 'soak', state: 'waiting', detail: `waits for ${cluster} to be healthy, then ${formatDuration(input.soakMs)} of continuous health` };
    end = Math.max(end, since + input.soakMs);
  }
  if (end <= input.now.getTime()) return { gate: 'soak', state: 'open', detail: `every cluster healthy for ${formatDuration(input.soakMs)}` };
  const until = new Date(end);
  return { gate: 'soak', state: 'waiting', detail: `waits for ${formatDuration(input.soakMs)} of continuous health, until ${until.toISOString()}`, until };
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Local weekday and minute of the day of `at` in `timeZone`, through Intl (no time-zone tables of our own). */
const formatters = new Map<string, Intl.DateTimeFormat>();
function localTime(at: Date, timeZone: string): { day: (typeof WEEKDAYS)[number]; minute: number } {
  // One formatter per zone: building one costs far more than formatting (the window search formats
  // up to a week of minutes).
  let format = formatters.get(timeZone);
  if (!format) formatters.set(timeZone, (format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  const parts = format.formatToParts(at);
  const get = (type: string): string => parts.find((p) => p.type === type)!.value;
  return { day: get('weekday').toLowerCase().slice(0, 3) as (typeof WEEKDAYS)[number], minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

const minuteOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function inWindow(w: ChangeWindow, at: Date): boolean {
  const local = localTime(at, w.timeZone);
  return w.days.includes(local.day) && local.minute >= minuteOf(w.start) && local.minute < minuteOf(w.end);
}

function windowGate(windows: readonly ChangeWindow[], now: Date): GateState {
  if (windows.length === 0) return { gate: 'window', state: 'open', detail: 'no change windows configured' };
  if (windows.some((w) => inWindow(w, now))) return { gate: 'window', state: 'open', detail: 'inside a change window' };
  // The next opening, to the minute, within a week (windows repeat weekly).
  const start = Math.ceil(now.getTime() / 60_000) * 60_000;
  for (let t = start; t <= start + 7 * 24 * 3_600_000; t += 60_000) {
    if (windows.some((w) => inWindow(w, new Date(t)))) {
      const until = new Date(t);
      return { gate: 'window', state: 'waiting', detail: `outside every change window, until ${until.toISOString()}`, until };
    }
  }
  return { gate: 'window', state: 'blocked', detail: 'the change windows never open (check days and hours)' };
}

function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}
