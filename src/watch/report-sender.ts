/**
 * Sends interpreted objects to the app: only objects whose interpretation changed, gathered for a
 * short window into one signed report, retried with backoff; plus a periodic full report so an app
 * that restarted (and lost its memory of check runs) catches up. Reports go out one at a time, in order.
 */
import { createHash } from 'node:crypto';
import pRetry, { AbortError } from 'p-retry';
import type { Report, ReportObject } from '../core/reconcile/report.ts';
import { signatureHeaders } from '../core/reconcile/signature.ts';
import { settledState } from '../core/reconcile/state.ts';
import type { PostJson } from './http-post.ts';
import type { Logger } from './logger.ts';

/** Configuration and adapters of a sender. */
export interface ReportSenderOptions {
  cluster: string;
  secret: string;
  post: PostJson;
  log: Logger;
  now?: () => Date;
  /** How long changes are gathered before a report goes out. */
  batchWindowMs?: number;
  /** Interval of the full report; 0 disables it. */
  fullReportIntervalMs?: number;
  /** Larger sets are split into several reports. */
  maxObjectsPerReport?: number;
  /** Attempts after the first, and the first retry's delay (doubling). */
  retries?: number;
  minRetryMs?: number;
}

/** Thrown for a non-2xx answer of the app. */
class ReportRejected extends Error {
  constructor(readonly status: number) {
    super(`app answered HTTP ${status}`);
  }
}

/** Deduplicating, batching, signing report sender. */
export class ReportSender {
  private readonly current = new Map<string, ReportObject>();
  private readonly sent = new Map<string, string>();
  private readonly pending = new Map<string, ReportObject>();
  private batchTimer: NodeJS.Timeout | undefined;
  private fullTimer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private readonly now: () => Date;
  /** Counters for logs, tests and the benchmark. */
  readonly stats = { reports: 0, objects: 0, failed: 0 };

  constructor(private readonly options: ReportSenderOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Starts the periodic full report. */
  start(): void {
    const every = this.options.fullReportIntervalMs ?? 5 * 60_000;
    if (every > 0) {
      this.fullTimer = setInterval(() => void this.sendFull(), every);
      this.fullTimer.unref();
    }
  }

  /** Records the latest interpretation of an object (undefined: gone or no longer reportable). */
  offer(key: string, next: ReportObject | undefined): void {
    if (!next) {
      this.current.delete(key);
      this.sent.delete(key);
      this.pending.delete(key);
      return;
    }
    const object = settledState(this.current.get(key), next);
    this.current.set(key, object);
    // A digest, not the JSON: 2,000 objects' fingerprints would otherwise cost megabytes.
    const fingerprint = createHash('sha1').update(JSON.stringify(object)).digest('base64');
    if (this.sent.get(key) === fingerprint) return;
    this.sent.set(key, fingerprint);
    this.pending.set(key, object);
    this.batchTimer ??= setTimeout(() => void this.flush(), this.options.batchWindowMs ?? 250);
  }

  /** Sends what is pending now; resolves when it (and everything before it) was sent or given up. */
  flush(): Promise<void> {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    const batch = [...this.pending];
    this.pending.clear();
    return this.enqueue(batch);
  }

  /** Sends every current object. */
  sendFull(): Promise<void> {
    this.pending.clear();
    return this.enqueue([...this.current]);
  }

  /** Stops the timers and sends what is pending. */
  async stop(): Promise<void> {
    clearInterval(this.fullTimer);
    await this.flush();
  }

  private enqueue(batch: Array<[string, ReportObject]>): Promise<void> {
    if (batch.length === 0) return this.chain;
    const size = this.options.maxObjectsPerReport ?? 500;
    for (let i = 0; i < batch.length; i += size) {
      const chunk = batch.slice(i, i + size);
      this.chain = this.chain.then(() => this.send(chunk));
    }
    return this.chain;
  }

  private async send(chunk: Array<[string, ReportObject]>): Promise<void> {
    const report: Report = {
      version: 1,
      cluster: this.options.cluster,
      sentAt: this.now().toISOString(),
      objects: chunk.map(([, o]) => o),
    };
    const body = JSON.stringify(report);
    try {
      await pRetry(
        async () => {
          // Signed per attempt: a retry must not fall out of the app's timestamp window.
          const timestamp = Math.floor(this.now().getTime() / 1000);
          const status = await this.options.post(body, signatureHeaders(this.options.secret, this.options.cluster, timestamp, body));
          if (status >= 200 && status < 300) return;
          const rejected = new ReportRejected(status);
          // 4xx other than 408/429 will not get better by retrying: wrong secret, unknown cluster, bad shape.
          if (status >= 400 && status < 500 && status !== 408 && status !== 429) throw new AbortError(rejected);
          throw rejected;
        },
        {
          retries: this.options.retries ?? 5,
          minTimeout: this.options.minRetryMs ?? 500,
          factor: 2,
          randomize: true,
          onFailedAttempt: (err) =>
            this.options.log.warn('report not delivered; retrying', { error: err.message, attempt: err.attemptNumber, retriesLeft: err.retriesLeft }),
        },
      );
      this.stats.reports++;
      this.stats.objects += chunk.length;
    } catch (err) {
      this.stats.failed++;
      // Forget what was "sent" so the next change re-sends; the full report repairs the rest.
      for (const [key, object] of chunk) if (this.current.get(key) === object) this.sent.delete(key);
      this.options.log.error('report dropped', { error: (err as Error).message, objects: chunk.length });
    }
  }
}
