/**
 * The level-triggered safety net: every interval, each configured repository of every installation
 * is re-planned (`deps.resync`), so a lost webhook or a crash mid-write loses nothing. Also runs for
 * repositories added to an installation. Runs never overlap; one repository's failure does not stop
 * the others.
 */
import type { Probot, ProbotOctokit } from 'probot';
import { InvalidDurationError, parseDuration } from '../core/config/index.ts';
import type { AppDeps, AppLog, JobTarget } from '../app-deps.ts';
import type { Scheduler } from './release-batcher.ts';
import { configuredTargets, installationRepositories, type RepositoryLike } from './fan-out.ts';

/** The default interval between resyncs. */
export const DEFAULT_RESYNC_INTERVAL_MS = 10 * 60_000;

/** Parses `COURIER_RESYNC_INTERVAL` (a config duration such as `10m`, `1h30m`, or plain seconds); `0`/`off` disables. */
export function parseResyncInterval(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_RESYNC_INTERVAL_MS;
  const text = value.trim();
  if (text === 'off' || text === '0') return 0;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  try {
    return parseDuration(text);
  } catch (error) {
    if (!(error instanceof InvalidDurationError)) throw error;
    throw new Error(`COURIER_RESYNC_INTERVAL="${value}" is not a duration: use e.g. 10m, 30s, 1h, or off`);
  }
}

type Deps = Pick<AppDeps, 'validateConfig' | 'resync'>;

/** Resyncs the given repositories of one installation (those `due` says, all by default); returns how many were resynced. */
export async function resyncRepositories(
  octokit: ProbotOctokit,
  installationId: number,
  repositories: RepositoryLike[],
  deps: Deps,
  log: AppLog,
  due: (target: JobTarget) => boolean = () => true,
): Promise<number> {
  const targets = await configuredTargets(octokit, installationId, repositories, deps, log);
  let done = 0;
  for (const target of targets) {
    if (!due(target)) continue;
    try {
      await deps.resync(target);
      done++;
    } catch (error) {
      log.error({ err: error }, `resync of ${name(target)} failed; the next run retries it`);
    }
  }
  return done;
}

/** A repository's own `polling.interval` in milliseconds; 0 (every pass) when absent or unreadable. */
export function pollingIntervalMs(target: JobTarget): number {
  const text = target.config.polling?.interval;
  if (text === undefined) return 0;
  try {
    return parseDuration(text);
  } catch (error) {
    if (error instanceof InvalidDurationError) return 0;
    throw error;
  }
}

/**
 * Periodic resync of every installation; `start()`/`stop()` for the server and tests. Every pass
 * (each `COURIER_RESYNC_INTERVAL`) looks at every repository, and resyncs a repository once its own
 * `polling.interval` has passed since its last resync here; the pass interval is therefore the floor.
 * The times live in memory: after a restart every repository is due, which errs on the side of work.
 */
export class Resync {
  #handle: unknown;
  #running: Promise<number> | undefined;
  #stopped = true;
  readonly #last = new Map<string, number>();

  constructor(
    private readonly options: {
      probot: Pick<Probot, 'auth'>;
      deps: Deps;
      log: AppLog;
      intervalMs: number;
      scheduler?: Scheduler;
      /** The clock for per-repository `polling.interval`; Date.now by default. */
      now?: () => number;
    },
  ) {}

  /** Schedules runs every interval (the first one interval from now). No-op when the interval is 0. */
  start(): void {
    if (this.options.intervalMs <= 0 || !this.#stopped) return;
    this.#stopped = false;
    this.#schedule();
  }

  /** Cancels the next run and waits for a running one. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#handle !== undefined) this.#scheduler.clearTimeout(this.#handle);
    this.#handle = undefined;
    await this.#running?.catch(() => undefined);
  }

  /** One pass over every installation; concurrent calls share the running pass. */
  runOnce(): Promise<number> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  get #scheduler(): Scheduler {
    return this.options.scheduler ?? { setTimeout: (cb, ms) => setTimeout(cb, ms).unref(), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
  }

  #schedule(): void {
    this.#handle = this.#scheduler.setTimeout(() => {
      void this.runOnce()
        .catch((error: unknown) => this.options.log.error({ err: error }, 'resync pass failed'))
        .finally(() => {
          if (!this.#stopped) this.#schedule();
        });
    }, this.options.intervalMs);
  }

  /** Whether a repository's `polling.interval` has passed since its last resync; records the resync when due. */
  #due(target: JobTarget): boolean {
    const now = (this.options.now ?? Date.now)();
    const key = name(target).toLowerCase();
    const last = this.#last.get(key);
    // Half a pass of slack, so a repository whose interval equals the pass interval is not skipped by jitter.
    if (last !== undefined && now - last < pollingIntervalMs(target) - this.options.intervalMs / 2) return false;
    this.#last.set(key, now);
    return true;
  }

  async #pass(): Promise<number> {
    const { probot, deps, log } = this.options;
    const app = await probot.auth();
    const installations = (await app.paginate('GET /app/installations', { per_page: 100 })) as Array<{ id: number; suspended_at?: string | null }>;
    let total = 0;
    for (const installation of installations) {
      if (installation.suspended_at) continue;
      try {
        const octokit = await probot.auth(installation.id);
        total += await resyncRepositories(octokit, installation.id, await installationRepositories(octokit), deps, log, (target) => this.#due(target));
      } catch (error) {
        log.error({ err: error }, `resync of installation ${installation.id} failed; the next run retries it`);
      }
    }
    log.info(`resync: ${total} repositories in ${installations.length} installations`);
    return total;
  }
}

function name(target: JobTarget): string {
  return `${target.owner}/${target.repo}`;
}
