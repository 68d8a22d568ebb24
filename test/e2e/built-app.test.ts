/**
 * The App as the container runs it: `npm run build` (scripts/build-app.mjs) bundles it with its
 * dependencies, and `node dist/main.js` — no node_modules needed at run time — answers /healthz and
 * turns a signed registry webhook into a pull request, its planning worker included. The reporter
 * bundle starts and prints its usage error without a configuration. Fails if bundling breaks them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBareRepo } from '../support/bare-repo.ts';
import { startCourierProcess } from '../support/courier-stack.ts';
import { FakeGitHubServer } from '../support/fake-github-server.ts';
import { registryPackagePublished } from '../support/payloads.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FLEET = path.join(ROOT, 'examples/fleet');
const INSTALLATION = 4343;
let root: string;
let out: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'courier-built-'));
  // Inside the checkout, as in the image (/app/dist beside /app/templates): templates are found by walking up.
  mkdirSync(path.join(ROOT, 'dist'), { recursive: true });
  out = mkdtempSync(path.join(ROOT, 'dist', 'test-build-'));
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-app.mjs'), out], { cwd: ROOT });
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe('the bundled App and reporter', () => {
  it('node dist/main.js answers /healthz and opens the pull request for a release', async () => {
    const config = `${readFileSync(path.join(FLEET, '.github/courier.yml'), 'utf8')}pullRequests:\n  groupWindow: 100ms\n`;
    const seeded = seedBareRepo(root, 'fleet', { dir: FLEET, files: { '.github/courier.yml': config } });
    const fake = await FakeGitHubServer.start([{ owner: 'acme', name: 'fleet', bareDir: seeded.bare, installationId: INSTALLATION }]);
    const app = await startCourierProcess(fake, { root, cacheDir: path.join(root, 'cache'), entry: path.join(out, 'main.js') });
    try {
      const health = await fetch(`${app.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await app.webhook('registry_package', registryPackagePublished('acme', 'webapp', '1.5.0', INSTALLATION), 'built-1')).toBe(200);
      const repo = fake.repo('acme', 'fleet');
      const deadline = Date.now() + 20_000;
      while (!repo.model.prs.some((p) => p.open) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const pr = repo.model.prs.find((p) => p.open);
      expect(pr?.head).toBe('courier/image/dev/ghcr.io-acme-webapp');
      expect(pr?.title).toMatch(/webapp to 1\.5\.0/);
    } finally {
      await app.close();
      await fake.close();
    }
  });

  it('node dist/reporter.js starts from its one file and says which setting it lacks', () => {
    const r = spawnSync(process.execPath, [path.join(out, 'reporter.js')], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 10_000 });
    expect(r.status).not.toBe(0);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/COURIER_URL is not set/);
  });
});
