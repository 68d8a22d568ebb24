/**
 * The whole App as `npm start` runs it (`createCourierDeps` + `runServer`), pointed at a fake GitHub
 * Enterprise Server whose repositories are bare git repositories, plus signed-request helpers.
 * Shared by the end-to-end tests and the benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import type { AppDeps } from '../../src/app-deps.ts';
import type { CourierServer } from '../../src/http/server.ts';
import type { JobRetry } from '../../src/jobs/job-runner.ts';
import { runServer } from '../../src/main.ts';
import { createCourierDeps } from '../../src/wiring/courier-deps.ts';
import { FakeGitHubServer, type FakeRepoInit } from './fake-github-server.ts';

/** The webhook secret of the stack. */
export const STACK_WEBHOOK_SECRET = 'e2e-webhook-secret-5b1d';
/** Bearer token the Distribution registry presents. */
export const DISTRIBUTION_TOKEN = 'e2e-distribution-token-91af';

let privateKey: string | undefined;
function appKey(): string {
  privateKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return privateKey;
}

/** A running Courier (and the fake GitHub it talks to). */
export interface CourierStack {
  fake: FakeGitHubServer;
  courier: CourierServer;
  /** Delivers a webhook signed with the stack's secret; resolves with the HTTP status. */
  webhook(event: string, payload: unknown, delivery: string): Promise<number>;
  /** POSTs a raw body to one of Courier's routes. */
  post(route: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** Options of `startCourier`. */
export interface CourierOptions {
  /** Scratch folder (cluster secrets file). */
  root: string;
  cacheDir: string;
  clusterSecrets?: Record<string, string>;
  /** Octokit retry/throttling (on in production and the bench; off in tests for speed). */
  throttle?: boolean;
  env?: Record<string, string>;
  /** Replaces parts of the real dependencies (e.g. the registry behind the resync). */
  adjustDeps?: (deps: AppDeps) => AppDeps;
  /** Backoff of job retries; shortened by tests that make GitHub fail. */
  jobRetry?: JobRetry;
}

/** Options of `startCourierStack`. */
export interface StackOptions extends CourierOptions {
  repos: FakeRepoInit[];
}

/** Starts the fake GitHub, then Courier on it; `close` stops both. */
export async function startCourierStack(options: StackOptions): Promise<CourierStack> {
  const fake = await FakeGitHubServer.start(options.repos);
  const stack = await startCourier(fake, options);
  return {
    ...stack,
    async close() {
      await stack.close();
      await fake.close();
    },
  };
}

/** The environment `npm start` gets in tests and benchmarks: the fake as GHE host, a fresh cache, the cluster secrets file. */
export function courierEnv(fake: FakeGitHubServer, options: CourierOptions): NodeJS.ProcessEnv {
  const secretsFile = path.join(options.root, 'cluster-secrets.yaml');
  writeFileSync(secretsFile, Object.entries(options.clusterSecrets ?? {}).map(([k, v]) => `${k}: "${v}"\n`).join(''));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    APP_ID: '123',
    PRIVATE_KEY: appKey(),
    WEBHOOK_SECRET: STACK_WEBHOOK_SECRET,
    ...fake.env,
    LOG_LEVEL: (process.env.E2E_LOG ?? 'silent') as 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    COURIER_RESYNC_INTERVAL: 'off',
    // Tests and benchmarks reach no registry outside this machine.
    COURIER_RELEASE_DETAILS: 'off',
    COURIER_CACHE_DIR: options.cacheDir,
    COURIER_CLUSTER_SECRETS_FILE: secretsFile,
    COURIER_REGISTRY_DISTRIBUTION_TOKEN: DISTRIBUTION_TOKEN,
    COURIER_REGISTRY_DISTRIBUTION_HOST: 'ghcr.io',
    ...options.env,
  };
  return env;
}

/** Starts Courier on 127.0.0.1 (free port), configured by environment variables, talking to `fake`; `close` stops Courier only. */
export async function startCourier(fake: FakeGitHubServer, options: CourierOptions): Promise<CourierStack> {
  const env = courierEnv(fake, options);
  const wired = createCourierDeps(env, pino({ level: process.env.E2E_LOG ?? 'silent' }), options.jobRetry ? { jobRetry: options.jobRetry } : {});
  const deps = options.adjustDeps ? options.adjustDeps(wired.deps) : wired.deps;
  const routes = wired.routes;
  const throttle = options.throttle ?? false;
  const courier = await runServer(deps, env, routes, { octokitPlugins: { retry: throttle, throttle } });
  return {
    fake,
    courier,
    async webhook(event, payload, delivery) {
      const body = JSON.stringify(payload);
      const response = await fetch(`${courier.url}/api/github/webhooks`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': event,
          'x-github-delivery': delivery,
          'x-hub-signature-256': `sha256=${createHmac('sha256', STACK_WEBHOOK_SECRET).update(body).digest('hex')}`,
        },
        body,
      });
      await response.arrayBuffer();
      return response.status;
    },
    async post(route, body, headers) {
      const response = await fetch(`${courier.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
    async close() {
      await courier.close();
    },
  };
}

/**
 * Courier as its own process (`node src/main.ts`, what `npm start` runs), talking to `fake`: a
 * benchmark then measures Courier's event loop alone, not the fake GitHub's work in the same process.
 * Resolves once `/healthz` answers (polled, so a probe never races the listen).
 */
export async function startCourierProcess(fake: FakeGitHubServer, options: CourierOptions & { /** A built entry (`dist/main.js` of scripts/build-app.mjs) instead of the sources through tsx. */ entry?: string; nodeArgs?: string[] }): Promise<{ url: string; pid: number; webhook: CourierStack['webhook']; close(): Promise<void> }> {
  const { createServer } = await import('node:net');
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const found = (probe.address() as { port: number }).port;
      probe.close(() => resolve(found));
    });
  });
  const env: NodeJS.ProcessEnv = { ...courierEnv(fake, options), PORT: String(port) };
  const main = path.resolve(import.meta.dirname, '../../src/main.ts');
  const args = options.entry ? [options.entry] : ['--import', 'tsx', main];
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`courier exited with ${child.exitCode} before listening`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error('courier did not answer /healthz within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    async webhook(event, payload, delivery) {
      const body = JSON.stringify(payload);
      const response = await fetch(`${url}/api/github/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': `sha256=${createHmac('sha256', STACK_WEBHOOK_SECRET).update(body).digest('hex')}` },
        body,
      });
      await response.arrayBuffer();
      return response.status;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
