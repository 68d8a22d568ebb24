import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Release } from '../../src/core/image-update/release.ts';
import { handleRegistryNotification, type RegistryRouteDeps } from '../../src/registry/notification-route.ts';
import { fixture } from './fixtures.ts';

function deps(overrides: Partial<RegistryRouteDeps> = {}) {
  const received: Release[][] = [];
  const logs: Array<{ level: string; obj: object; msg: string }> = [];
  const d: RegistryRouteDeps = {
    secrets: {
      distribution: { type: 'bearer', token: 'dist-secret' },
      harbor: { type: 'hmac-sha256', secret: 'harbor-secret', header: 'x-courier-signature' },
    },
    hosts: { harbor: 'registry.acme.io' },
    onReleases: async (releases) => {
      received.push(releases);
    },
    log: {
      info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
      warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
    },
    ...overrides,
  };
  return { d, received, logs };
}

describe('handleRegistryNotification', () => {
  it('accepts an authenticated Distribution push and hands on its release', async () => {
    const { d, received, logs } = deps();
    const { raw } = fixture('distribution.push');
    const res = await handleRegistryNotification('distribution', raw, { authorization: 'Bearer dist-secret' }, d);
    expect(res).toEqual({ status: 202, body: { accepted: 1 } });
    expect(received).toEqual([[expect.objectContaining({ repository: 'registry.example.com/acme/app', tag: '1.4.0' })]]);
    expect(JSON.stringify(logs)).not.toContain('dist-secret');
  });

  it('verifies an HMAC over the raw bytes and applies the configured host', async () => {
    const { d, received } = deps();
    const { raw } = fixture('harbor.push_artifact');
    const sig = `sha256=${createHmac('sha256', 'harbor-secret').update(raw).digest('hex')}`;
    const res = await handleRegistryNotification('harbor', raw, { 'x-courier-signature': sig }, d);
    expect(res.status).toBe(202);
    expect(received[0]?.map((r) => `${r.repository}:${r.tag}`)).toEqual(['registry.acme.io/platform/api:2.3.1']);
  });

  it('answers 401 for a bad token, an unknown provider and an unconfigured one, without parsing', async () => {
    const { d, received, logs } = deps();
    const { raw } = fixture('distribution.push');
    for (const [provider, headers] of [
      ['distribution', { authorization: 'Bearer nope' }],
      ['nexus', { authorization: 'Bearer dist-secret' }],
      ['quay', {}],
    ] as const) {
      expect(await handleRegistryNotification(provider, raw, headers, d)).toEqual({ status: 401, body: { error: 'unauthorized' } });
    }
    expect(received).toEqual([]);
    expect(logs.map((l) => l.obj)).toEqual([
      { provider: 'distribution', reason: 'wrong token in authorization header' },
      { provider: 'nexus', reason: 'unknown provider "nexus"' },
      { provider: 'quay', reason: 'no secret configured for provider "quay"' },
    ]);
  });

  it('answers 400 for invalid JSON and for another provider\'s shape', async () => {
    const { d, received } = deps();
    const auth = { authorization: 'Bearer dist-secret' };
    expect(await handleRegistryNotification('distribution', Buffer.from('{"events": ['), auth, d)).toEqual({
      status: 400,
      body: { error: 'body is not valid JSON' },
    });
    const res = await handleRegistryNotification('distribution', fixture('dockerhub.push').raw, auth, d);
    expect(res).toEqual({ status: 400, body: { error: 'distribution notification: expected an envelope {"events": [...]}' } });
    expect(received).toEqual([]);
  });

  it('accepts pulls with a count of 0 without calling onReleases', async () => {
    const { d, received } = deps();
    const res = await handleRegistryNotification('distribution', fixture('distribution.pull').raw, { authorization: 'Bearer dist-secret' }, d);
    expect(res).toEqual({ status: 202, body: { accepted: 0 } });
    expect(received).toEqual([]);
  });

  it('answers 503 when the releases cannot be queued, so the registry redelivers', async () => {
    const { d } = deps({
      onReleases: async () => {
        throw new Error('queue full');
      },
    });
    const res = await handleRegistryNotification('distribution', fixture('distribution.push').raw, { authorization: 'Bearer dist-secret' }, d);
    expect(res.status).toBe(503);
  });
});
