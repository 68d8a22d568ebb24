import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { notificationSettingsFromEnv, verifyNotification } from '../../src/registry/notification-auth.ts';

const body = Buffer.from('{"events":[]}');
const sign = (secret: string, raw: Buffer) => createHmac('sha256', secret).update(raw).digest('hex');

describe('verifyNotification', () => {
  const secrets = {
    distribution: { type: 'bearer' as const, token: 'tok-123' },
    harbor: { type: 'bearer' as const, token: 'harbor-tok', header: 'X-Harbor-Auth' },
    quay: { type: 'hmac-sha256' as const, secret: 'hmac-key', header: 'X-Signature' },
    dockerhub: [
      { type: 'query-token' as const, token: 'old' },
      { type: 'query-token' as const, token: 'new' },
    ],
  };

  it('accepts the configured bearer token, with any scheme case', () => {
    expect(verifyNotification('distribution', body, { authorization: 'Bearer tok-123' }, secrets)).toEqual({ ok: true });
    expect(verifyNotification('distribution', body, { Authorization: 'bearer tok-123' }, secrets)).toEqual({ ok: true });
  });

  it('refuses a wrong, missing or non-bearer token without echoing it', () => {
    const wrong = verifyNotification('distribution', body, { authorization: 'Bearer tok-124' }, secrets);
    expect(wrong).toEqual({ ok: false, reason: 'wrong token in authorization header' });
    expect(verifyNotification('distribution', body, {}, secrets)).toEqual({ ok: false, reason: 'missing authorization header' });
    expect(verifyNotification('distribution', body, { authorization: 'Basic dG9rLTEyMw==' }, secrets).ok).toBe(false);
    expect(JSON.stringify(wrong)).not.toContain('tok-12');
  });

  it('reads a token from a custom header whole', () => {
    expect(verifyNotification('harbor', body, { 'x-harbor-auth': 'harbor-tok' }, secrets)).toEqual({ ok: true });
    expect(verifyNotification('harbor', body, { 'x-harbor-auth': 'Bearer harbor-tok' }, secrets).ok).toBe(false);
  });

  it('checks an HMAC-SHA256 of the raw body, with or without sha256=', () => {
    const sig = sign('hmac-key', body);
    expect(verifyNotification('quay', body, { 'x-signature': sig }, secrets)).toEqual({ ok: true });
    expect(verifyNotification('quay', body, { 'x-signature': `sha256=${sig.toUpperCase()}` }, secrets)).toEqual({ ok: true });
    const tampered = Buffer.from('{"events":[1]}');
    expect(verifyNotification('quay', tampered, { 'x-signature': sig }, secrets)).toEqual({
      ok: false,
      reason: 'bad signature in x-signature header',
    });
    expect(verifyNotification('quay', body, { 'x-signature': sign('other', body) }, secrets).ok).toBe(false);
  });

  it('accepts any of several credentials (rotation) from the query', () => {
    expect(verifyNotification('dockerhub', body, {}, secrets, new URLSearchParams('token=new'))).toEqual({ ok: true });
    expect(verifyNotification('dockerhub', body, {}, secrets, new URLSearchParams('token=old'))).toEqual({ ok: true });
    expect(verifyNotification('dockerhub', body, {}, secrets, new URLSearchParams('token=nope'))).toEqual({
      ok: false,
      reason: 'wrong token query parameter',
    });
    expect(verifyNotification('dockerhub', body, {}, secrets)).toEqual({ ok: false, reason: 'missing token query parameter' });
  });

  it('refuses unknown providers and providers without a secret', () => {
    expect(verifyNotification('artifactory', body, { authorization: 'Bearer tok-123' }, secrets)).toEqual({
      ok: false,
      reason: 'unknown provider "artifactory"',
    });
    expect(verifyNotification('gitlab', body, { authorization: 'Bearer tok-123' }, secrets)).toEqual({
      ok: false,
      reason: 'no secret configured for provider "gitlab"',
    });
    expect(verifyNotification('quay', body, {}, { quay: [] }).ok).toBe(false);
    expect(verifyNotification('distribution', body, { authorization: 'Bearer ' }, { distribution: { type: 'bearer', token: '' } }).ok).toBe(false);
  });
});

describe('notificationSettingsFromEnv', () => {
  it('reads credentials and hosts per provider', () => {
    const settings = notificationSettingsFromEnv({
      COURIER_REGISTRY_DISTRIBUTION_TOKEN: 'a',
      COURIER_REGISTRY_DISTRIBUTION_HOST: 'registry.acme.io',
      COURIER_REGISTRY_HARBOR_TOKEN: 'b',
      COURIER_REGISTRY_HARBOR_TOKEN_HEADER: 'x-auth',
      COURIER_REGISTRY_QUAY_HMAC_SECRET: 'c',
      COURIER_REGISTRY_DOCKERHUB_QUERY_TOKEN: 'd',
    });
    expect(settings).toEqual({
      secrets: {
        distribution: [{ type: 'bearer', token: 'a' }],
        harbor: [{ type: 'bearer', token: 'b', header: 'x-auth' }],
        quay: [{ type: 'hmac-sha256', secret: 'c', header: 'x-courier-signature' }],
        dockerhub: [{ type: 'query-token', token: 'd' }],
      },
      hosts: { distribution: 'registry.acme.io' },
    });
  });
});
