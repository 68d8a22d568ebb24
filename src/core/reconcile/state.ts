/**
 * Flux conditions → Courier's per-object state (issue 4, item 2). Follows kstatus as Flux's
 * controllers use it: `Ready`, `Reconciling` (reason `ProgressingWithRetry` after a failure) and `Stalled`.
 */
import type { ReconcileState } from './report.ts';
import { conditionsOf, num, type Condition, type FluxObject } from './flux-object.ts';

/** The interpreted condition part of an object's state. */
export interface ConditionState {
  state: ReconcileState;
  reason?: string;
  message?: string;
  failing?: string[];
  lastTransitionTime?: string;
}

/** Reasons that mean "waiting for something else", not "broken" (fluxcd/pkg/apis/meta). */
const WAITING_REASONS = new Set(['DependencyNotReady']);

/**
 * Decides the state of an object from its conditions. `newerRevisionWaiting` is true when the
 * source has fetched a revision the object has not started on yet. Returns undefined when the
 * object has no status conditions (never reconciled, or not a kstatus object).
 */
export function conditionState(obj: FluxObject, newerRevisionWaiting: boolean): ConditionState | undefined {
  const conditions = conditionsOf(obj);
  const ready = conditions.find((c) => c.type === 'Ready');
  const reconciling = conditions.find((c) => c.type === 'Reconciling');
  const stalled = conditions.find((c) => c.type === 'Stalled');
  if (!ready && !reconciling && !stalled) return undefined;
  const generation = obj.metadata.generation;
  const observed = num(obj.status, 'observedGeneration');
  const generationCurrent = generation === undefined || observed === undefined || observed >= generation;

  if (stalled?.status === 'True') return failure(stalled);
  if (newerRevisionWaiting && reconciling?.status !== 'True') {
    return from('pending', ready ?? reconciling!, 'new revision fetched; not yet applied');
  }
  if (ready?.status === 'False') {
    return WAITING_REASONS.has(ready.reason ?? '') ? from('pending', ready) : failure(ready);
  }
  // A retry after a failure: Flux says so with ProgressingWithRetry; the failure stands until a success replaces it.
  if (reconciling?.status === 'True' && reconciling.reason === 'ProgressingWithRetry') {
    return failure(reconciling);
  }
  if (reconciling?.status === 'True' || ready?.status === 'Unknown') return from('in_progress', reconciling ?? ready!);
  if (!generationCurrent) return from('pending', ready ?? reconciling!, 'spec changed; not yet observed');
  if (ready?.status === 'True') return from('success', ready);
  return undefined;
}

/** Object references (`Kind/namespace/name` or `Kind/name`) named in a Flux message. */
export function failingObjects(message: string | undefined): string[] {
  if (!message) return [];
  const found = new Set<string>();
  const pattern = /\b([A-Z][A-Za-z0-9]*)\/([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)(?:\/([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?))?/g;
  for (const m of message.matchAll(pattern)) found.add(m[0]);
  return [...found];
}

/**
 * Keeps a settled result while Flux reconciles the same commit again: a failure stays a failure
 * while Flux retries it, and a success stays a success through the periodic re-reconcile every
 * `spec.interval` (which sets Reconciling=True and Ready=Unknown each time). Only a different
 * commit, or a settled result replacing another (success ↔ failure), is news.
 */
export function settledState<T extends { state: ReconcileState; revision: { sha?: string } }>(
  previous: T | undefined,
  next: T,
): T {
  if (
    (previous?.state === 'failure' || previous?.state === 'success') &&
    (next.state === 'in_progress' || next.state === 'pending') &&
    next.revision.sha !== undefined &&
    next.revision.sha === previous.revision.sha
  ) {
    return previous;
  }
  return next;
}

function from(state: ReconcileState, c: Condition, overrideMessage?: string): ConditionState {
  const result: ConditionState = { state };
  if (c.reason) result.reason = c.reason;
  const message = overrideMessage ?? c.message;
  if (message) result.message = message;
  if (c.lastTransitionTime) result.lastTransitionTime = c.lastTransitionTime;
  return result;
}

function failure(c: Condition): ConditionState {
  const result = from('failure', c);
  const failing = failingObjects(c.message);
  if (failing.length > 0) result.failing = failing;
  return result;
}

