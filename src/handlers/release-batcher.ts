/**
 * Group commit per repository: the first release for a quiet repository starts its write at once (a
 * single release pays no window); releases that arrive while a write for that repository is in flight
 * gather and go out together in the next write, as soon as that one ends — or after `groupWindow` at
 * the latest, then queued behind it. A burst therefore costs a couple of writes of the same PR, never a
 * debounce that re-arms. Duplicate deliveries are coalesced: the same webhook delivered ten times
 * results in one call. Work on one repository is serialised.
 */
import { InvalidDurationError, parseDuration } from '../core/config/index.ts';
import type { Release } from '../core/image-update/release.ts';
import type { JobOutcome } from '../jobs/job-outcome.ts';
import type { JobTarget } from '../app-deps.ts';

/** The default `groupWindow` (the longest a batch waits for a write in flight) when the config sets none. */
export const DEFAULT_GROUP_WINDOW_MS = 10_000;

/** A timer source; tests pass a manual one. */
export interface Scheduler {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What the batcher calls when a window closes. */
export type FlushHandler = (target: JobTarget, releases: Release[], receivedAt: Date) => Promise<JobOutcome[]>;

interface Pending {
  target: JobTarget;
  releases: Map<string, Release>;
  deliveries: Set<string>;
  receivedAt: Date;
  /** Opened while a write was in flight: closes when that write ends (or at the window's end). */
  behindWrite: boolean;
  handle: unknown;
}

/**
 * `groupWindow` in milliseconds: a duration as the config writes it (`500ms`, `10s`, `1m30s`, `1h`,
 * parsed by the config's own parser), or seconds as a number; undefined → the default. The schema
 * refuses anything else, so the fallback only serves configs that bypassed validation.
 */
export function groupWindowMs(value: number | string | undefined): number {
  if (value === undefined) return DEFAULT_GROUP_WINDOW_MS;
  if (typeof value === 'number') return Math.max(0, value * 1000);
  try {
    return parseDuration(value.trim());
  } catch (error) {
    if (error instanceof InvalidDurationError) return DEFAULT_GROUP_WINDOW_MS;
    throw error;
  }
}

/** Batches releases per repository; see the module comment. */
export class ReleaseBatcher {
  readonly #pending = new Map<string, Pending>();
  /** Delivery ids already taken per repository, oldest first, bounded. */
  readonly #seen = new Map<string, true>();
  readonly #running = new Map<string, Promise<unknown>>();
  /** The releases of each repository's latest write (in flight or queued), carried into the batch gathered behind it. */
  readonly #inWrite = new Map<string, Release[]>();
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly options: {
      flush: FlushHandler;
      now: () => Date;
      scheduler?: Scheduler;
      onError?: (error: unknown, target: JobTarget) => void;
      maxSeenDeliveries?: number;
    },
  ) {}

  /**
   * Claims a delivery before any work (fan-out costs API calls): false when it was already claimed.
   * `unclaim` after a failure so GitHub's redelivery is taken.
   */
  claim(deliveryId: string): boolean {
    const key = `delivery\n${deliveryId}`;
    if (this.#seen.has(key)) return false;
    this.#remember(key);
    return true;
  }

  /** Forgets a claimed delivery whose handling failed. */
  unclaim(deliveryId: string): void {
    this.#seen.delete(`delivery\n${deliveryId}`);
  }

  /** Adds releases for a repository; returns false when this delivery was already taken for it. */
  add(target: JobTarget, releases: Release[], deliveryId: string): boolean {
    const key = repoKey(target);
    const seenKey = `${key}\n${deliveryId}`;
    if (this.#seen.has(seenKey)) return false;
    this.#remember(seenKey);
    let pending = this.#pending.get(key);
    if (!pending) {
      const behindWrite = this.#running.has(key);
      pending = { target, releases: new Map(), deliveries: new Set(), receivedAt: this.options.now(), behindWrite, handle: undefined };
      const scheduled = pending;
      // Quiet: at once (a 0 ms timer still takes what is delivered in the same tick). Behind a write:
      // when it ends (see #close), or after the window at the latest.
      const wait = behindWrite ? groupWindowMs(target.config.pullRequests?.groupWindow) : 0;
      pending.handle = this.#scheduler.setTimeout(() => this.#close(key, scheduled), wait);
      this.#pending.set(key, pending);
    }
    // The newest event's client and config are the freshest.
    pending.target = target;
    pending.deliveries.add(seenKey);
    for (const release of releases) pending.releases.set(releaseKey(release), release);
    return true;
  }

  /** Flushes every open window now (shutdown) and waits for all work to finish. */
  async drain(): Promise<void> {
    for (const [key, pending] of [...this.#pending]) {
      this.#scheduler.clearTimeout(pending.handle);
      this.#close(key, pending);
    }
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Number of repositories with an open window. */
  get pendingRepositories(): number {
    return this.#pending.size;
  }

  get #scheduler(): Scheduler {
    return this.options.scheduler ?? { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
  }

  #close(key: string, pending: Pending): void {
    if (this.#pending.get(key) === pending) this.#pending.delete(key);
    // A batch gathered behind a write carries that write's releases, so its proposal covers the whole
    // burst (the image job then lands on, or replaces, the PR the first write opened) and a release of
    // a failed write is tried again.
    const carried = pending.behindWrite ? (this.#inWrite.get(key) ?? []) : [];
    const releases = [...new Map([...carried, ...pending.releases.values()].map((r) => [releaseKey(r), r])).values()];
    this.#inWrite.set(key, releases);
    const previous = this.#running.get(key) ?? Promise.resolve();
    const run = previous
      .catch(() => undefined)
      .then(() => this.options.flush(pending.target, releases, pending.receivedAt))
      .catch((error: unknown) => {
        // A failed batch may be delivered again (GitHub redelivery) and must then be taken.
        for (const seenKey of pending.deliveries) this.#seen.delete(seenKey);
        this.options.onError?.(error, pending.target);
      });
    this.#running.set(key, run);
    this.#inFlight.add(run);
    void run.finally(() => {
      this.#inFlight.delete(run);
      if (this.#running.get(key) !== run) return;
      this.#running.delete(key);
      // The write ended: what gathered behind it goes out now, as the next write (carrying this one's releases).
      const next = this.#pending.get(key);
      if (next?.behindWrite) {
        this.#scheduler.clearTimeout(next.handle);
        this.#close(key, next);
      } else {
        this.#inWrite.delete(key);
      }
    });
  }

  #remember(seenKey: string): void {
    this.#seen.set(seenKey, true);
    const max = this.options.maxSeenDeliveries ?? 10_000;
    while (this.#seen.size > max) this.#seen.delete(this.#seen.keys().next().value as string);
  }
}

function repoKey(target: Pick<JobTarget, 'installationId' | 'owner' | 'repo'>): string {
  return `${target.installationId}/${target.owner}/${target.repo}`.toLowerCase();
}

function releaseKey(release: Release): string {
  return `${release.repository}:${release.tag}@${release.digest ?? ''}`;
}
