/** A local HTTP server standing in for the app: verifies signatures and keeps the reports it accepted. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { reportSchema, type Report } from '../../src/core/reconcile/report.ts';
import { SIGNATURE_HEADERS, verifyReportSignature } from '../../src/core/reconcile/signature.ts';

/** The receiving end of reports. */
export class ReportReceiver {
  url = '';
  readonly reports: Report[] = [];
  /** Requests refused because of a bad signature or shape. */
  rejected = 0;
  /** Statuses to answer the next requests with instead of 204. */
  readonly failWith: number[] = [];
  private server: http.Server | undefined;

  constructor(private readonly secret: string) {}

  /** Listens on 127.0.0.1. */
  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const failure = this.failWith.shift();
        if (failure) return void res.writeHead(failure).end();
        const body = Buffer.concat(chunks);
        const ts = Number(req.headers[SIGNATURE_HEADERS.timestamp]);
        const sig = String(req.headers[SIGNATURE_HEADERS.signature] ?? '');
        const parsed = reportSchema.safeParse(JSON.parse(body.toString('utf8')));
        if (!verifyReportSignature(this.secret, ts, body, sig) || !parsed.success || req.headers[SIGNATURE_HEADERS.cluster] !== parsed.data.cluster) {
          this.rejected++;
          return void res.writeHead(401).end();
        }
        this.reports.push(parsed.data);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/api/courier/reports`;
  }

  /** Every object received, in order. */
  get objects() {
    return this.reports.flatMap((r) => r.objects);
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
