import { createHmac } from 'node:crypto';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { runServer } from '../../src/main.ts';
import { CONFIG_YAML, PRIVATE_KEY, example, fakeDeps, tokenResponse } from './helpers.ts';

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
});

describe('runServer', () => {
  it('is configured by Probot variables: a GHE_HOST installation is served through its /api/v3', async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    const env = {
      APP_ID: '42',
      PRIVATE_KEY,
      WEBHOOK_SECRET: 'ghe-secret',
      GHE_HOST: 'ghe.example.com',
      GHE_PROTOCOL: 'https',
      LOG_LEVEL: 'silent',
      PORT: '0',
      HOST: '127.0.0.1',
      COURIER_RESYNC_INTERVAL: 'off',
    } as NodeJS.ProcessEnv;
    const { deps } = fakeDeps();
    const courier = await runServer(deps, env);
    try {
      const payload = example('push', undefined, 4);
      payload.commits[0].modified = ['.github/courier.yml'];
      const checkRuns: unknown[] = [];
      nock('https://ghe.example.com/api/v3')
        .post('/app/installations/1/access_tokens')
        .reply(201, tokenResponse())
        .get('/repos/Codertocat/Hello-World/contents/.github%2Fcourier.yml')
        .query({ ref: payload.after })
        .reply(200, CONFIG_YAML, { 'content-type': 'text/plain' })
        .post('/repos/Codertocat/Hello-World/check-runs', (body) => checkRuns.push(body) > 0)
        .reply(201, { id: 1 });
      const body = JSON.stringify(payload);
      const response = await fetch(`${courier.url}/api/github/webhooks`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-github-delivery': 'ghe-1',
          'x-hub-signature-256': `sha256=${createHmac('sha256', 'ghe-secret').update(body).digest('hex')}`,
        },
        body,
      });
      expect(response.status).toBe(200);
      expect(checkRuns).toMatchObject([{ name: 'courier/config', conclusion: 'success' }]);
      expect(courier.resync).toBeDefined();
    } finally {
      const before = process.listenerCount('SIGTERM');
      await courier.close();
      expect(process.listenerCount('SIGTERM')).toBe(before - 1);
    }
  });
});
