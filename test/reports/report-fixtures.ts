/** Helpers for app-side report tests: signed requests, objects, a Probot Octokit without retries. */
import type { IncomingHttpHeaders } from 'node:http';
import { ProbotOctokit } from 'probot';
import type { components } from '@octokit/openapi-types';
import type { ReportObject } from '../../src/core/reconcile/report.ts';
import { signatureHeaders } from '../../src/core/reconcile/signature.ts';

export const SECRET = 'cloud-dev-secret-0123456789';
export const NOW = new Date('2026-01-01T12:00:00Z');
export const NOW_S = Math.floor(NOW.getTime() / 1000);

/** A report object from acme/fleet on github.com. */
export function reportObject(name: string, state: ReportObject['state'], sha: string, over: Partial<ReportObject> = {}): ReportObject {
  return {
    kind: 'Kustomization',
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    namespace: 'flux-system',
    name,
    source: { url: 'ssh://git@github.com/acme/fleet', host: 'github.com', owner: 'acme', repo: 'fleet' },
    revision: { applied: `main@sha1:${sha}`, sha },
    state,
    ...over,
  };
}

/** A body and headers signed like the reporter signs them. */
export function signed(body: unknown, opts: { cluster?: string; secret?: string; at?: number } = {}): { raw: Buffer; headers: IncomingHttpHeaders } {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return { raw, headers: { 'content-type': 'application/json', ...signatureHeaders(opts.secret ?? SECRET, opts.cluster ?? 'cloud-dev', opts.at ?? NOW_S, raw) } };
}

/** A version-1 report. */
export function report(objects: ReportObject[], cluster = 'cloud-dev') {
  return { version: 1, cluster, sentAt: NOW.toISOString(), objects };
}

/** Probot's Octokit with retries and throttling off, as in Probot's own tests. */
export function testOctokit() {
  return new ProbotOctokit({ auth: { token: 'ghs_test' }, retry: { enabled: false }, throttle: { enabled: false } });
}

type CheckRun = components['schemas']['check-run'];

/** A check run as GitHub returns it (the fields Courier reads, with their real names and types). */
export function checkRun(id: number, sha: string, name: string, status: CheckRun['status'], conclusion: CheckRun['conclusion'] = null): Partial<CheckRun> {
  return { id, head_sha: sha, name, status, conclusion, node_id: `CR_${id}`, external_id: name.split('/').slice(1).join('/'), started_at: NOW.toISOString(), completed_at: status === 'completed' ? NOW.toISOString() : null };
}
