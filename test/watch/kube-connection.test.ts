import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inClusterOptions, KubeConfigError, KubeConnection, kubeconfigOptions } from '../../src/watch/kube-connection.ts';
import { reporterConfigFromEnv } from '../../src/watch/reporter-config.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'courier-kc-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('kubeconfigOptions', () => {
  const kubeconfig = `
apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority-data: ${Buffer.from('CA PEM').toString('base64')}
- name: dev
  cluster: {server: http://127.0.0.1:8001, insecure-skip-tls-verify: true}
users:
- name: admin
  user:
    client-certificate-data: ${Buffer.from('CERT').toString('base64')}
    client-key-data: ${Buffer.from('KEY').toString('base64')}
- name: dev
  user: {token: abc}
- name: sso
  user: {exec: {command: kubelogin}}
contexts:
- name: prod
  context: {cluster: prod, user: admin}
- name: dev
  context: {cluster: dev, user: dev}
- name: sso
  context: {cluster: prod, user: sso}
`;
  const file = write('config', kubeconfig);

  it('reads the current context with client certificates', async () => {
    expect(await kubeconfigOptions(file)).toEqual({ server: 'https://10.0.0.1:6443', ca: Buffer.from('CA PEM'), cert: Buffer.from('CERT'), key: Buffer.from('KEY') });
  });

  it('reads a named context with a token', async () => {
    expect(await kubeconfigOptions(file, 'dev')).toEqual({ server: 'http://127.0.0.1:8001', insecureSkipTlsVerify: true, token: 'abc' });
  });

  it('reads a JSON kubeconfig without the YAML parser', async () => {
    const json = write('config.json', JSON.stringify({
      'current-context': 'c',
      clusters: [{ name: 'c', cluster: { server: 'https://k:6443' } }],
      users: [{ name: 'u', user: { tokenFile: '/var/run/token' } }],
      contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
    }));
    expect(await kubeconfigOptions(json)).toEqual({ server: 'https://k:6443', tokenFile: '/var/run/token' });
  });

  it.each([
    ['sso', /exec\/auth-provider plugin/],
    ['nope', /context "nope" not found/],
  ])('explains why context %s cannot be used', async (context, message) => {
    await expect(kubeconfigOptions(file, context)).rejects.toThrow(message);
    await expect(kubeconfigOptions(file, context)).rejects.toBeInstanceOf(KubeConfigError);
  });

  it('uses the in-cluster service account', () => {
    const sa = mkdtempSync(path.join(tmpdir(), 'courier-sa-'));
    writeFileSync(path.join(sa, 'ca.crt'), 'CA');
    writeFileSync(path.join(sa, 'token'), 'tok');
    expect(inClusterOptions({ KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, sa)).toEqual({
      server: 'https://10.96.0.1:443',
      ca: Buffer.from('CA'),
      tokenFile: path.join(sa, 'token'),
    });
    expect(() => inClusterOptions({}, sa)).toThrow(/KUBERNETES_SERVICE_HOST unset/);
  });
});

describe('KubeConnection.getJson', () => {
  it('fails, naming the path, when the API server accepts the connection but never answers', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const conn = new KubeConnection({ server: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 50 });
    try {
      await expect(conn.getJson('/apis/kustomize.toolkit.fluxcd.io')).rejects.toThrow('Kubernetes API /apis/kustomize.toolkit.fluxcd.io: no answer within 50 ms');
    } finally {
      conn.close();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('KubeConnection.watch', () => {
  it('delivers events split across chunks in order, sends the watch parameters and the token, then says the stream ended', async () => {
    let seen: { url?: string; auth?: string } = {};
    const server = createServer((req, res) => {
      seen = { url: req.url, auth: req.headers.authorization };
      if (req.url?.startsWith('/forbidden')) return void res.writeHead(403).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      const a = JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '5' } } });
      const b = JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '6' } } });
      res.write(a.slice(0, 20));
      setTimeout(() => {
        res.write(`${a.slice(20)}\n\n${b}`);
        setTimeout(() => res.end('\n'), 10);
      }, 10);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const conn = new KubeConnection({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, token: 't0ken' });
    try {
      const events: Array<[string, unknown]> = [];
      const done = new Promise<unknown>((resolve) => {
        void conn.watch('/apis/x/v1/things', { resourceVersion: '4', allowWatchBookmarks: true, timeoutSeconds: 300, skipped: undefined }, (type, obj) => events.push([type, obj]), resolve);
      });
      expect(await done).toBeUndefined();
      expect(events).toEqual([
        ['ADDED', { metadata: { name: 'a', resourceVersion: '5' } }],
        ['BOOKMARK', { metadata: { resourceVersion: '6' } }],
      ]);
      expect(seen).toEqual({ url: '/apis/x/v1/things?watch=true&resourceVersion=4&allowWatchBookmarks=true&timeoutSeconds=300', auth: 'Bearer t0ken' });
      await expect(conn.watch('/forbidden', {}, () => undefined, () => undefined)).rejects.toThrow('Kubernetes API /forbidden: HTTP 403');
    } finally {
      conn.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('reporterConfigFromEnv', () => {
  const base = { COURIER_URL: 'https://courier.example.com/base', COURIER_CLUSTER: 'cloud-dev' };

  it('reads the secret from a file and builds the report URL', () => {
    const secretFile = write('secret', 's3cret\n');
    expect(reporterConfigFromEnv({ ...base, COURIER_CLUSTER_SECRET_FILE: secretFile, KUBECONFIG: '/k/a:/k/b' })).toEqual({
      reportUrl: 'https://courier.example.com/base/api/courier/reports',
      cluster: 'cloud-dev',
      secret: 's3cret',
      kubeconfig: '/k/a',
      logLevel: 'info',
      fullReportIntervalMs: 300_000,
    });
  });

  it.each([
    [{ COURIER_CLUSTER: 'x', COURIER_CLUSTER_SECRET: 's' }, /COURIER_URL is not set/],
    [{ ...base }, /COURIER_CLUSTER_SECRET or COURIER_CLUSTER_SECRET_FILE/],
    [{ ...base, COURIER_CLUSTER_SECRET_FILE: '/nonexistent/secret' }, /COURIER_CLUSTER_SECRET_FILE \/nonexistent\/secret/],
    [{ ...base, COURIER_CLUSTER_SECRET: 's', LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
  ])('rejects %j', (env, message) => {
    expect(() => reporterConfigFromEnv(env)).toThrow(message);
  });
});
