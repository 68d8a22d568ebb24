/**
 * End to end through the real wiring (`createCourierDeps` + `runServer`): signed webhooks, registry
 * notifications and cluster reports over HTTP, against a fake GitHub Enterprise Server whose
 * repository is a bare git repository holding the example fleet.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppDeps } from '../../src/app-deps.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signatureHeaders } from '../../src/core/reconcile/signature.ts';
import { parseMetadata } from '../../src/core/proposal/names.ts';
import { createImageResync } from '../../src/jobs/image-resync.ts';
import { DISTRIBUTION_TOKEN, startCourierStack, type CourierStack } from '../support/courier-stack.ts';
import { seedBareRepo, type SeededRepo } from '../support/bare-repo.ts';
import { courierImageDispatch, installationRepositoriesAdded, pushTo, registryPackagePublished } from '../support/payloads.ts';

const FLEET = path.resolve(import.meta.dirname, '../../examples/fleet');
const INSTALLATION = 4242;
const CLUSTER_SECRET = 'cloud-dev-report-secret-7f3a9c';
const DEV_OVERLAY = 'apps/webapp/overlays/dev/kustomization.yaml';
const BRANCH = 'courier/image/dev/ghcr.io-acme-webapp';

/** The fleet's own config plus a 100 ms group window. */
const CONFIG = `${readFileSync(path.join(FLEET, '.github/courier.yml'), 'utf8')}pullRequests:\n  groupWindow: 100ms\n`;

let root: string;
let seeded: SeededRepo;
let stack: CourierStack | undefined;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'courier-e2e-'));
});

/** Seeds the bare repository with the fleet and `config`, then starts the fake GitHub and Courier. */
async function boot(config = CONFIG, adjustDeps?: (deps: AppDeps) => AppDeps): Promise<void> {
  seeded = seedBareRepo(root, 'fleet', { dir: FLEET, files: { '.github/courier.yml': config } });
  stack = await startCourierStack({
    repos: [{ owner: 'acme', name: 'fleet', bareDir: seeded.bare, installationId: INSTALLATION }],
    root,
    cacheDir: path.join(root, 'cache'),
    clusterSecrets: { 'cloud-dev': CLUSTER_SECRET },
    ...(adjustDeps ? { adjustDeps } : {}),
  });
}

afterEach(async () => {
  await stack?.close();
  stack = undefined;
  rmSync(root, { recursive: true, force: true });
});

function fleet() {
  return stack!.fake.repo('acme', 'fleet');
}

/** Publishes `ghcr.io/acme/webapp:<tag>` and waits for the batch it queued. */
async function release(tag: string, delivery: string): Promise<void> {
  expect(await stack!.webhook('registry_package', registryPackagePublished('acme', 'webapp', tag, INSTALLATION), delivery)).toBe(200);
  await stack!.courier.batcher.drain();
}

describe('image release → pull request', () => {
  it('registry_package.published opens one PR: a Verified commit on courier/image/dev/…, only the planned files, label, metadata', async () => {
    await boot();
    await release('1.5.0', 'd-1');
    const { model, store } = fleet();
    expect(model.prs).toHaveLength(1);
    const pr = model.prs[0]!;
    expect(pr).toMatchObject({ head: BRANCH, base: 'main', open: true, labels: ['courier'] });
    expect(parseMetadata(pr.body)).toMatchObject({ kind: 'image', environment: 'dev', images: [{ repository: 'ghcr.io/acme/webapp', tag: '1.5.0' }] });

    const head = (await store.ref(BRANCH))!;
    const base = (await store.ref('main'))!;
    const commit = (await store.commit(head))!;
    expect(commit).toMatchObject({ parent: base, verified: true });
    expect(await store.changedPaths(base, head)).toEqual([DEV_OVERLAY]);
    const before = (await store.readFile(base, DEV_OVERLAY))!;
    expect(await store.readFile(head, DEV_OVERLAY)).toBe(before.replace('newTag: 1.4.0 #', 'newTag: 1.5.0 #'));
    // One release event, installation token included: 8 requests, 3 of them mutating (the label is new);
    // the dashboard issue (rejected versions) is read once per repository and process.
    expect(stack!.fake.counts()).toEqual({
      total: 8,
      mutating: 3,
      byRoute: {
        'POST /app/installations/{id}/access_tokens': 1,
        'GET /installation/repositories': 1,
        'GET /repos/{owner}/{repo}/contents/{path}': 1,
        'GET /repos/{owner}/{repo}/issues': 1,
        'POST /graphql CourierPublishState': 1,
        'POST /repos/{owner}/{repo}/labels': 1,
        'POST /graphql CourierPublish': 1,
        'POST /graphql CourierDecorate': 1,
      },
    });
  });

  it('the same delivery received 10 times → one PR; the same release in new deliveries writes nothing', async () => {
    await boot();
    const payload = registryPackagePublished('acme', 'webapp', '1.5.0', INSTALLATION);
    const statuses = await Promise.all(Array.from({ length: 10 }, () => stack!.webhook('registry_package', payload, 'same-delivery')));
    expect(statuses).toEqual(Array(10).fill(200));
    await stack!.courier.batcher.drain();
    const { model } = fleet();
    expect(model.prs).toHaveLength(1);
    expect(stack!.fake.counts().byRoute['POST /graphql CourierPublish']).toBe(1);

    const since = performance.now();
    for (let i = 0; i < 3; i++) await release('1.5.0', `new-delivery-${i}`);
    expect(model.prs).toHaveLength(1);
    expect(stack!.fake.counts(since).mutating).toBe(0);
  });

  it('a newer release updates the same PR in place: one commit on base, new tag, metadata and a superseded note', async () => {
    await boot();
    await release('1.5.0', 'd-old');
    await release('1.6.0', 'd-new');
    const { model, store } = fleet();
    expect(model.prs).toHaveLength(1);
    const pr = model.prs[0]!;
    expect(pr.open).toBe(true);
    expect(parseMetadata(pr.body)?.images).toEqual([expect.objectContaining({ repository: 'ghcr.io/acme/webapp', tag: '1.6.0' })]);
    expect(pr.body).toContain('superseded 1.5.0 → now 1.6.0');
    const head = (await store.ref(BRANCH))!;
    const base = (await store.ref('main'))!;
    expect((await store.commit(head))!.parent).toBe(base);
    expect(await store.changedPaths(base, head)).toEqual([DEV_OVERLAY]);
    expect(await store.readFile(head, DEV_OVERLAY)).toContain('newTag: 1.6.0 # {"$imagepolicy"');
  });

  it('repository_dispatch courier-image opens the PR; a Distribution notification with its bearer token (401 without) updates it', async () => {
    await boot();
    const payload = courierImageDispatch({ image: 'ghcr.io/acme/webapp', tag: '1.7.0' }, INSTALLATION);
    expect(await stack!.webhook('repository_dispatch', payload, 'dispatch-1')).toBe(200);
    await stack!.courier.batcher.drain();
    expect(fleet().model.prs.map((p) => p.head)).toEqual([BRANCH]);
    expect(await fleet().store.readFile(BRANCH, DEV_OVERLAY)).toContain('newTag: 1.7.0 #');

    const notification = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/registry/distribution.push.json'), 'utf8')) as {
      events: Array<{ target: { repository: string; tag?: string; url: string } }>;
    };
    for (const event of notification.events) {
      event.target.repository = 'acme/webapp';
      if (event.target.tag) event.target.tag = '1.8.0';
    }
    const body = JSON.stringify(notification);
    const type = { 'content-type': 'application/vnd.docker.distribution.events.v1+json' };
    expect((await stack!.post('/api/courier/registry/distribution', body, type)).status).toBe(401);
    const accepted = await stack!.post('/api/courier/registry/distribution', body, { ...type, authorization: `Bearer ${DISTRIBUTION_TOKEN}` });
    expect(accepted.status).toBe(202);
    await stack!.courier.batcher.drain();
    const { model, store } = fleet();
    expect(model.prs.map((p) => p.head)).toEqual([BRANCH]);
    expect(parseMetadata(model.prs[0]!.body)?.images).toEqual([expect.objectContaining({ tag: '1.8.0' })]);
    expect(await store.readFile(BRANCH, DEV_OVERLAY)).toContain('newTag: 1.8.0 #');
  });

  it('a signed cluster report sets check run courier/dev/cloud-dev on the commit it reports', async () => {
    await boot();
    const sha = (await fleet().store.ref('main'))!;
    const at = Math.floor(Date.now() / 1000);
    const report = {
      version: 1,
      cluster: 'cloud-dev',
      sentAt: new Date(at * 1000).toISOString(),
      objects: [
        {
          kind: 'Kustomization',
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          namespace: 'flux-system',
          name: 'webapp',
          source: { url: `http://${stack!.fake.host}/acme/fleet`, host: stack!.fake.host, owner: 'acme', repo: 'fleet' },
          revision: { applied: `main@sha1:${sha}`, sha },
          state: 'success',
        },
      ],
    };
    const body = JSON.stringify(report);
    const forged = await stack!.post('/api/courier/reports', body, signatureHeaders('not-the-secret-of-cloud-dev', 'cloud-dev', at, body));
    expect(forged.status).toBe(401);
    const response = await stack!.post('/api/courier/reports', body, signatureHeaders(CLUSTER_SECRET, 'cloud-dev', at, body));
    expect(response).toEqual({ status: 202, body: { accepted: 1, ignored: 0 } });
    expect(fleet().checkRuns).toEqual([expect.objectContaining({ name: 'courier/dev/cloud-dev', head_sha: sha, status: 'completed', conclusion: 'success' })]);
  });
});

describe('config', () => {
  it('a push that makes .github/courier.yml invalid gets a failing courier/config check, and a release then opens no PR', async () => {
    await boot();
    const invalid = CONFIG.replace('clusters: [cloud-prod]', 'clusters: cloud-prod').replace('pullRequests:', 'pullRequest:');
    const sha = seeded.commit({ '.github/courier.yml': invalid }, 'break the config');
    expect(await stack!.webhook('push', pushTo('acme', 'fleet', sha, ['.github/courier.yml'], INSTALLATION), 'push-1')).toBe(200);
    const [check] = fleet().checkRuns;
    expect(check).toMatchObject({ name: 'courier/config', head_sha: sha, status: 'completed', conclusion: 'failure' });
    expect(check!.output!.summary).toContain('`environments[1].clusters`');
    expect(check!.output!.summary).toContain('pullRequest');

    await release('1.5.0', 'after-invalid');
    expect(fleet().model.prs).toEqual([]);
    expect(await fleet().store.ref(BRANCH)).toBeUndefined();
  });
});

describe('registry polling (createImageResync)', () => {
  it('a repository added to the installation is resynced: listed images get their newest acceptable tag, `poll: false` ones are not looked up', async () => {
    const listed: string[] = [];
    const listTags = async (repository: string) => {
      listed.push(repository);
      return ['1.3.0', '1.4.0', '1.9.1', '2.0.0-rc.1', 'latest'];
    };
    const config = `${CONFIG}images:\n  - repository: ghcr.io/acme/webapp\n  - repository: ghcr.io/acme/webapp-migrations\n    poll: false\n`;
    await boot(config, (deps) => ({ ...deps, resync: createImageResync({ listTags, runJob: deps.runJob, log: { warn: () => undefined }, now: deps.now }) }));
    const added = installationRepositoriesAdded(INSTALLATION, ['acme/fleet']);
    expect(await stack!.webhook('installation_repositories', added, 'added-1')).toBe(200);
    expect(listed).toEqual(['ghcr.io/acme/webapp']);
    const { model, store } = fleet();
    expect(model.prs.map((p) => p.head)).toEqual([BRANCH]);
    expect(parseMetadata(model.prs[0]!.body)?.images).toEqual([expect.objectContaining({ repository: 'ghcr.io/acme/webapp', tag: '1.9.1' })]);
    expect(await store.readFile(BRANCH, DEV_OVERLAY)).toContain('newTag: 1.9.1 #');
    expect(await store.readFile(BRANCH, DEV_OVERLAY)).toContain('newTag: "1.4.0"');
  });
});
