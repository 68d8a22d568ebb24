import { createHmac } from 'node:crypto';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HttpRoute } from '../../src/app-deps.ts';
import { startCourierServer, type CourierServer } from '../../src/http/server.ts';
import { CONFIG_YAML, ManualScheduler, WEBHOOK_SECRET, example, fakeDeps, testProbot, tokenResponse } from './helpers.ts';

const API = 'https://api.github.com';
const sign = (body: string, secret = WEBHOOK_SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A stand-in for the registry route the lead mounts: proves raw bytes and params reach it. */
const echoRoute: HttpRoute = {
  method: 'POST',
  path: '/api/courier/registry/:provider',
  handle: async (req) => ({
    status: 202,
    body: { provider: req.params.provider, bytes: req.rawBody.length, hmac: createHmac('sha256', 'k').update(req.rawBody).digest('hex') },
  }),
};

let courier: CourierServer;
const { probot, metrics } = testProbot();
const { deps, updates } = fakeDeps({ httpRoutes: [echoRoute] });

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  courier = await startCourierServer({ probot, deps, metrics, port: 0, host: '127.0.0.1', resyncIntervalMs: 0, scheduler: new ManualScheduler() });
});
afterAll(async () => {
  await courier.close();
  nock.enableNetConnect();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

async function postWebhook(name: string, payload: unknown, signature?: string) {
  const body = JSON.stringify(payload);
  return fetch(`${courier.url}/api/github/webhooks`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': name,
      'x-github-delivery': `d-${Math.random()}`,
      'x-hub-signature-256': signature ?? sign(body),
    },
    body,
  });
}

describe('HTTP server on 127.0.0.1', () => {
  it('GET /healthz answers 200 JSON', async () => {
    const response = await fetch(`${courier.url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({ status: 'ok', version: 'dev' });
  });

  it('a webhook signed with WEBHOOK_SECRET is handled end to end (push → courier/config check run)', async () => {
    const payload = example('push', undefined, 4);
    payload.commits[0].added = ['.github/courier.yml'];
    let checkRun: unknown;
    nock(API)
      .post('/app/installations/1/access_tokens')
      .reply(201, tokenResponse())
      .get('/repos/Codertocat/Hello-World/contents/.github%2Fcourier.yml')
      .query({ ref: payload.after })
      .reply(200, CONFIG_YAML, { 'content-type': 'application/vnd.github.raw+json; charset=utf-8' })
      .post('/repos/Codertocat/Hello-World/check-runs', (body) => {
        checkRun = body;
        return true;
      })
      .reply(201, { id: 1 }, { 'x-ratelimit-remaining': '4987', 'x-ratelimit-resource': 'core' });
    const response = await postWebhook('push', payload);
    expect(response.status).toBe(200);
    expect(checkRun).toMatchObject({ name: 'courier/config', head_sha: payload.after, conclusion: 'success' });
  });

  it('a webhook with a bad signature is refused and nothing is done', async () => {
    const before = await metrics.registry.getSingleMetricAsString('courier_events_total');
    const payload = example('push', undefined, 4);
    payload.commits[0].added = ['.github/courier.yml'];
    const response = await postWebhook('push', payload, sign(JSON.stringify(payload), 'wrong-secret'));
    expect([400, 401]).toContain(response.status);
    expect(await metrics.registry.getSingleMetricAsString('courier_events_total')).toBe(before);
    expect(updates).toEqual([]);
  });

  it('GET /metrics serves the Prometheus text format with Courier counters', async () => {
    const response = await fetch(`${courier.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('courier_events_total{event="push",action=""} 1');
    expect(text).toContain('courier_github_requests_total{route="/repos/{owner}/{repo}/check-runs",method="POST"} 1');
    expect(text).toContain('courier_github_rate_limit_remaining{resource="core"} 4987');
    expect(text).toContain('# TYPE courier_event_to_pr_seconds histogram');
  });

  it('injected routes get the raw body and path params', async () => {
    const body = '{"events":[{"action":"push"}]}';
    const response = await fetch(`${courier.url}/api/courier/registry/distribution`, { method: 'POST', body });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      provider: 'distribution',
      bytes: Buffer.byteLength(body),
      hmac: createHmac('sha256', 'k').update(body).digest('hex'),
    });
  });

  it('bodies over 1 MiB are refused with 413 before the route runs', async () => {
    const response = await fetch(`${courier.url}/api/courier/registry/distribution`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'request body larger than 1048576 bytes' });
  });

  it('a wrong method is 405 and an unknown path 404', async () => {
    const wrong = await fetch(`${courier.url}/api/courier/registry/distribution`);
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'POST']);
    expect((await fetch(`${courier.url}/nope`)).status).toBe(404);
    expect((await fetch(`${courier.url}/api/courier/registry/%E0`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
