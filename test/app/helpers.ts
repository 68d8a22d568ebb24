/** Shared test kit for the app: real webhook examples, a Probot with a test key, fakes of our own deps. */
import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Probot } from 'probot';
import type { AppDeps, CourierConfigLike, JobTarget } from '../../src/app-deps.ts';
import type { JobOutcome } from '../../src/jobs/job-outcome.ts';
import type { Release } from '../../src/core/image-update/release.ts';
import { createCourierOctokit } from '../../src/handlers/octokit.ts';
import type { Scheduler } from '../../src/handlers/release-batcher.ts';
import { createMetrics, type CourierMetrics } from '../../src/metrics.ts';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{
  name: string;
  examples: Array<Record<string, unknown> & { action?: string }>;
}>;

/** A deep copy of the `index`-th example of `name` with `action` (GitHub's real payloads). */
export function example<T = any>(name: string, action?: string, index = 0): T {
  const found = examples.find((e) => e.name === name)?.examples.filter((e) => action === undefined || e.action === action)[index];
  if (!found) throw new Error(`no @octokit/webhooks-examples payload for ${name}.${action ?? ''}[${index}]`);
  return structuredClone(found) as T;
}

/** An RSA key Probot signs its app JWTs with (generated once per test file). */
export const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
export const WEBHOOK_SECRET = 'wh-secret-7c1f0e9d';
export const INSTALLATION_TOKEN = 'ghs_installationTokenThatMustNeverBeLogged';

/** Collects log lines written by pino. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(chunk.toString());
    done();
  }
  get text(): string {
    return this.lines.join('');
  }
  messages(): string[] {
    return this.lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
  }
}

/** A Probot as the server builds it, with retry/throttle off and logs captured. */
export function testProbot(metrics: CourierMetrics = createMetrics(), level: pino.Level = 'info') {
  const logs = new LogCapture();
  const probot = new Probot({
    appId: 123,
    privateKey: PRIVATE_KEY,
    secret: WEBHOOK_SECRET,
    log: pino({ level }, logs),
    Octokit: createCourierOctokit(metrics, { retry: false, throttle: false }),
  });
  return { probot, logs, metrics };
}

/** A scheduler the test fires by hand. */
export class ManualScheduler implements Scheduler {
  readonly timers: Array<{ callback: () => void; ms: number; cleared: boolean }> = [];
  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { callback, ms, cleared: false };
    this.timers.push(timer);
    return timer;
  }
  clearTimeout(handle: unknown): void {
    (handle as { cleared: boolean }).cleared = true;
  }
  /** Fires every pending timer once. */
  fireAll(): number {
    const due = this.timers.filter((t) => !t.cleared);
    for (const timer of due) {
      timer.cleared = true;
      timer.callback();
    }
    return due.length;
  }
  get pending(): number {
    return this.timers.filter((t) => !t.cleared).length;
  }
}

/** A fake of our own validator: environments must be a list of named entries. */
export function fakeValidate(value: unknown): ReturnType<AppDeps['validateConfig']> {
  const config = value as { environments?: unknown; images?: unknown; pullRequests?: unknown };
  const problems: Array<{ path: string; message: string }> = [];
  if (!Array.isArray(config.environments)) problems.push({ path: 'environments', message: 'must be a list' });
  else
    config.environments.forEach((env, i) => {
      if (typeof (env as { name?: unknown }).name !== 'string') problems.push({ path: `environments[${i}].name`, message: 'is required' });
      if ((env as { clusters?: unknown }).clusters !== undefined && !Array.isArray((env as { clusters?: unknown }).clusters)) {
        problems.push({ path: `environments[${i}].clusters`, message: 'must be a list of cluster names' });
      }
    });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config: value as CourierConfigLike };
}

/** Fake deps that record calls. */
export function fakeDeps(overrides: Partial<AppDeps> = {}) {
  const updates: Array<{ target: JobTarget; releases: Release[] }> = [];
  const resyncs: JobTarget[] = [];
  const deps: AppDeps = {
    validateConfig: fakeValidate,
    runJob: async (target, request) => {
      updates.push({ target, releases: request.releases });
      return [{ kind: 'image', environment: 'dev', action: 'opened', pullRequest: { number: 7, url: 'https://github.com/x/y/pull/7' } }] satisfies JobOutcome[];
    },
    resync: async (target) => {
      resyncs.push(target);
      return [];
    },
    now: () => new Date('2026-01-02T03:04:05Z'),
    ...overrides,
  };
  return { deps, updates, resyncs };
}

/** A GitHub `POST /app/installations/{id}/access_tokens` response. */
export function tokenResponse() {
  return { token: INSTALLATION_TOKEN, expires_at: '2099-01-01T00:00:00Z', permissions: { contents: 'write' }, repository_selection: 'all' };
}

/** A repository object as `GET /installation/repositories` returns it (fields Courier reads + a few). */
export function repository(owner: string, name: string, extra: Record<string, unknown> = {}) {
  return {
    id: Math.abs(hash(`${owner}/${name}`)),
    node_id: 'R_x',
    name,
    full_name: `${owner}/${name}`,
    private: true,
    owner: { login: owner, id: 1, type: 'Organization' },
    html_url: `https://github.com/${owner}/${name}`,
    clone_url: `https://github.com/${owner}/${name}.git`,
    default_branch: 'main',
    archived: false,
    ...extra,
  };
}

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

/** The example config of PRODUCT.md, with images. */
export const CONFIG_YAML = `# Courier config
environments:
  - name: dev
    clusters: [cloud-dev]
    paths: ["clusters/dev/**"]
  - name: prod
    clusters: [cloud-prod]
    paths: ["clusters/prod/**"]
images:
  - repository: ghcr.io/acme/app
    source:
      repository: acme/app
`;
