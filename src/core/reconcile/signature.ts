/**
 * Report signatures: HMAC-SHA256 with the cluster's secret over `<unix seconds>.<raw body>`,
 * sent as `X-Courier-Timestamp`, `X-Courier-Signature: sha256=<hex>` and `X-Courier-Cluster`.
 * Computation only (no I/O), shared by the reporter and the app.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names, lower case as Node delivers them. */
export const SIGNATURE_HEADERS = {
  timestamp: 'x-courier-timestamp',
  signature: 'x-courier-signature',
  cluster: 'x-courier-cluster',
} as const;

/** The `sha256=<hex>` signature of a body sent at `timestamp` (unix seconds). */
export function signReport(secret: string, timestamp: number, body: string | Buffer): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`);
  mac.update(body);
  return `sha256=${mac.digest('hex')}`;
}

/** The three headers of a signed report. */
export function signatureHeaders(secret: string, cluster: string, timestamp: number, body: string | Buffer): Record<string, string> {
  return {
    [SIGNATURE_HEADERS.timestamp]: String(timestamp),
    [SIGNATURE_HEADERS.signature]: signReport(secret, timestamp, body),
    [SIGNATURE_HEADERS.cluster]: cluster,
  };
}

/** Constant-time check of a `sha256=<hex>` signature. */
export function verifyReportSignature(secret: string, timestamp: number, body: Buffer, signature: string): boolean {
  const expected = Buffer.from(signReport(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
