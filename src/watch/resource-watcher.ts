/**
 * List + watch of one Flux collection, resumable and self-healing: it lists (paged), then watches
 * from the list's resourceVersion; a watch that ends normally is resumed from the last version
 * seen; `410 Gone` (as a watch ERROR event or an HTTP status) triggers a fresh list, which also
 * reports objects deleted meanwhile; any other error reconnects with exponential backoff. This is
 * the loop client-node's informer leaves to its caller (it stops on any error), built on KubeConnection's watch
 * class alone to avoid the memory cost of its generated models (issue 4, item 8).
 */
import type { KubeConnection } from './kube-connection.ts';

/** What watching needs of the connection (KubeConnection.watch). */
type Watch = Pick<KubeConnection, 'watch'>;
import type { FluxObject } from '../core/reconcile/flux-object.ts';
import type { WatchedResource } from './discovery.ts';
import { KubeApiError } from './kube-connection.ts';
import type { Logger } from './logger.ts';
import { slimObject } from './slim.ts';

/** Where a watcher delivers what it sees. */
export interface WatchHandlers {
  upsert(obj: FluxObject): void;
  remove(kind: string, namespace: string, name: string): void;
}

/** Tuning and adapters of a watcher. */
export interface ResourceWatcherOptions {
  log: Logger;
  /** Delay before reconnect attempt `n` (1-based). */
  backoffMs?: (attempt: number) => number;
  /** Asked of the server so watches end and resume regularly. */
  timeoutSeconds?: number;
  pageSize?: number;
}

/** Exponential backoff with full jitter, 250 ms doubling up to 30 s. */
function defaultBackoffMs(attempt: number): number {
  return Math.round(Math.random() * Math.min(30_000, 250 * 2 ** Math.min(attempt, 10)));
}

type ListDoc = { metadata?: { resourceVersion?: string; continue?: string }; items?: unknown[] };

/** Watches one collection until stopped. */
export class ResourceWatcher {
  private stopped = false;
  private resourceVersion = '';
  private readonly known = new Set<string>();
  private current: { abort(): void } | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  /** Counters for logs, tests and the benchmark. */
  readonly stats = { lists: 0, watches: 0, gone: 0, errors: 0, events: 0 };

  constructor(
    readonly resource: WatchedResource,
    private readonly getJson: (path: string) => Promise<unknown>,
    private readonly watcher: Watch,
    private readonly handlers: WatchHandlers,
    private readonly options: ResourceWatcherOptions,
  ) {}

  /** Starts the list/watch loop; resolves once the first list has been delivered. */
  start(): Promise<void> {
    let synced!: () => void;
    const first = new Promise<void>((resolve) => (synced = resolve));
    this.loop = this.run(synced);
    return first;
  }

  /** Stops watching and waits for the loop to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.abort();
    this.wake?.();
    await this.loop;
  }

  private async run(synced: () => void): Promise<void> {
    const backoff = this.options.backoffMs ?? defaultBackoffMs;
    let needList = true;
    let attempt = 0;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.list();
          needList = false;
          synced();
        }
        const outcome = await this.watchOnce();
        if (this.stopped) break;
        if (outcome.gone) {
          this.stats.gone++;
          this.options.log.info('watch expired (410 Gone); relisting', { resource: this.resource.path });
          needList = true;
        }
        if (outcome.error) throw outcome.error;
        if (outcome.events > 0 || outcome.gone) {
          attempt = 0;
          continue;
        }
        // A watch closed without a single event: do not spin against a server that keeps closing.
        await this.sleep(backoff(++attempt));
      } catch (err) {
        if (this.stopped) break;
        this.stats.errors++;
        if (err instanceof KubeApiError ? err.statusCode === 410 : (err as { statusCode?: number })?.statusCode === 410) {
          this.stats.gone++;
          needList = true;
        }
        const delay = backoff(++attempt);
        this.options.log.warn('watch failed; reconnecting', { resource: this.resource.path, error: String((err as Error)?.message ?? err), attempt, delayMs: delay });
        await this.sleep(delay);
      }
    }
  }

  private async list(): Promise<void> {
    this.stats.lists++;
    const seen = new Set<string>();
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const query = new URLSearchParams({ limit: String(this.options.pageSize ?? 100) });
      if (token) query.set('continue', token);
      const doc = (await this.getJson(`${this.resource.path}?${query}`)) as ListDoc;
      for (const raw of Array.isArray(doc.items) ? doc.items : []) {
        const obj = slimObject(raw, this.resource.kind, `${this.resource.group}/${this.resource.version}`);
        if (!obj) continue;
        seen.add(keyOf(obj.metadata.namespace, obj.metadata.name));
        this.handlers.upsert(obj);
      }
      resourceVersion = doc.metadata?.resourceVersion ?? resourceVersion;
      token = doc.metadata?.continue || undefined;
    } while (token);
    for (const key of this.known) {
      if (seen.has(key)) continue;
      const [namespace, name] = splitKey(key);
      this.handlers.remove(this.resource.kind, namespace, name);
    }
    this.known.clear();
    for (const key of seen) this.known.add(key);
    this.resourceVersion = resourceVersion;
  }

  private watchOnce(): Promise<{ gone: boolean; events: number; error?: unknown }> {
    this.stats.watches++;
    let gone = false;
    let events = 0;
    return new Promise((resolve) => {
      const params = { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: this.options.timeoutSeconds ?? 300 };
      const onEvent = (type: string, raw: any): void => {
        events++;
        this.stats.events++;
        if (type === 'ERROR') {
          if (raw?.code === 410) gone = true;
          else this.options.log.warn('watch error event', { resource: this.resource.path, code: raw?.code, message: raw?.message });
          this.current?.abort();
          return;
        }
        const rv = raw?.metadata?.resourceVersion;
        if (typeof rv === 'string') this.resourceVersion = rv;
        if (type === 'BOOKMARK') return;
        const obj = slimObject(raw, this.resource.kind, `${this.resource.group}/${this.resource.version}`);
        if (!obj) return;
        const key = keyOf(obj.metadata.namespace, obj.metadata.name);
        if (type === 'DELETED') {
          this.known.delete(key);
          this.handlers.remove(this.resource.kind, obj.metadata.namespace ?? '', obj.metadata.name);
        } else {
          this.known.add(key);
          this.handlers.upsert(obj);
        }
      };
      const onDone = (err: unknown): void => {
        this.current = undefined;
        // Aborting after an ERROR event surfaces as an AbortError; that is not a failure.
        resolve(gone || this.stopped || err == null ? { gone, events } : { gone, events, error: err });
      };
      this.watcher.watch(this.resource.path, params, onEvent, onDone).then(
        (controller) => {
          this.current = controller;
          if (gone || this.stopped) controller.abort();
        },
        (err: unknown) => onDone(err ?? new Error('watch failed')),
      );
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

function keyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}
