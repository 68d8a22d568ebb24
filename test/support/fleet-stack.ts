/**
 * The example fleet in a bare repository behind the fake GitHub, with Courier running on it: what the
 * end-to-end tests of bursts, faults and crashes share. `restart` stops Courier (a crash: nothing is
 * drained) and starts a fresh one on the same fake, as a new replica would come up.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppDeps } from '../../src/app-deps.ts';
import type { JobRetry } from '../../src/jobs/job-runner.ts';
import { startCourier, type CourierStack } from './courier-stack.ts';
import { FakeGitHubServer } from './fake-github-server.ts';
import { seedBareRepo, type SeededRepo } from './bare-repo.ts';
import { registryPackagePublished } from './payloads.ts';

export const FLEET = path.resolve(import.meta.dirname, '../../examples/fleet');
export const INSTALLATION = 4242;
export const DEV_OVERLAY = 'apps/webapp/overlays/dev/kustomization.yaml';
export const WEBAPP_BRANCH = 'courier/image/dev/ghcr.io-acme-webapp';

/** The fleet's own config plus a 100 ms group window. */
export const FLEET_CONFIG = `${readFileSync(path.join(FLEET, '.github/courier.yml'), 'utf8')}pullRequests:\n  groupWindow: 100ms\n`;

/** A running fleet stack. */
export interface FleetStack {
  root: string;
  seeded: SeededRepo;
  fake: FakeGitHubServer;
  courier: CourierStack;
  /** Publishes `ghcr.io/acme/<image>:<tag>` (a signed `registry_package` webhook); resolves with the HTTP status. */
  publish(tag: string, delivery: string, image?: string): Promise<number>;
  /** Stops Courier without draining anything and starts a new one on the same fake GitHub. */
  restart(adjustDeps?: (deps: AppDeps) => AppDeps): Promise<void>;
  close(): Promise<void>;
}

/** Seeds the fleet with `config`, starts the fake GitHub and Courier. */
export async function startFleetStack(options: { config?: string; files?: Record<string, string>; adjustDeps?: (deps: AppDeps) => AppDeps; env?: Record<string, string>; jobRetry?: JobRetry } = {}): Promise<FleetStack> {
  const root = mkdtempSync(path.join(tmpdir(), 'courier-fleet-'));
  const seeded = seedBareRepo(root, 'fleet', { dir: FLEET, files: { '.github/courier.yml': options.config ?? FLEET_CONFIG, ...options.files } });
  const fake = await FakeGitHubServer.start([{ owner: 'acme', name: 'fleet', bareDir: seeded.bare, installationId: INSTALLATION }]);
  let replicas = 0;
  // Each replica has its own clone cache, as each pod has its own disk: the crashed one is still
  // "running" in this process (its requests hang), and two live processes never share a cache folder.
  const boot = (adjust = options.adjustDeps) =>
    startCourier(fake, { root, cacheDir: path.join(root, `cache-${replicas++}`), ...(adjust ? { adjustDeps: adjust } : {}), ...(options.env ? { env: options.env } : {}), ...(options.jobRetry ? { jobRetry: options.jobRetry } : {}) });
  const stack: FleetStack = {
    root,
    seeded,
    fake,
    courier: await boot(),
    publish: (tag, delivery, image = 'webapp') => stack.courier.webhook('registry_package', registryPackagePublished('acme', image, tag, INSTALLATION), delivery),
    async restart(adjustDeps) {
      // A crash: whatever is in flight is abandoned (hanging requests stay hanging until the fake closes).
      void stack.courier.courier.close().catch(() => undefined);
      stack.courier = await boot(adjustDeps ?? options.adjustDeps);
    },
    async close() {
      await fake.close();
      await stack.courier.close().catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
  return stack;
}
