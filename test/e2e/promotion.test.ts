/**
 * Promotion end to end through the real wiring (`createCourierDeps` + `runServer`) against the fake
 * GitHub and a bare repository holding the example fleet: release → dev PR merged → reports from every
 * dev cluster → promotion PR into prod with exact bytes and an open `courier/gate/prod` → merged →
 * prod's cluster reports on it, and nothing more is proposed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.ts';
import { parseMetadata } from '../../src/core/proposal/names.ts';
import { signatureHeaders } from '../../src/core/reconcile/signature.ts';
import { startCourierStack, type CourierStack } from '../support/courier-stack.ts';
import { seedBareRepo, type SeededRepo } from '../support/bare-repo.ts';
import { checkRunCompleted, courierPromoteDispatch, issueCommentCreated, pullRequestReviewSubmitted, pushTo, registryPackagePublished } from '../support/payloads.ts';

const FLEET = path.resolve(import.meta.dirname, '../../examples/fleet');
const INSTALLATION = 4343;
const SECRETS = { 'cloud-dev': 'cloud-dev-secret-a1', 'munich-dev': 'munich-dev-secret-b2', 'cloud-prod': 'cloud-prod-secret-c3' };
const PROD_OVERLAY = 'apps/webapp/overlays/prod/kustomization.yaml';
const PROMOTION_BRANCH = 'courier/promote/prod/dev';
const CONFIG = `${readFileSync(path.join(FLEET, '.github/courier.yml'), 'utf8')}pullRequests:\n  groupWindow: 100ms\n`;

let root: string;
let seeded: SeededRepo;
let stack: CourierStack | undefined;
/** Every promotion evaluation the App started, to wait for them (the webhook does not). */
let evaluations: Promise<unknown>[] = [];

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'courier-e2e-promote-'));
  evaluations = [];
});
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  rmSync(root, { recursive: true, force: true });
});

async function boot(config = CONFIG): Promise<void> {
  seeded = seedBareRepo(root, 'fleet', { dir: FLEET, files: { '.github/courier.yml': config } });
  const record = (deps: AppDeps): AppDeps => ({
    ...deps,
    promote: (target, only) => {
      const run = deps.promote!(target, only);
      evaluations.push(run);
      return run;
    },
  });
  stack = await startCourierStack({
    repos: [{ owner: 'acme', name: 'fleet', bareDir: seeded.bare, installationId: INSTALLATION }],
    root,
    cacheDir: path.join(root, 'cache'),
    clusterSecrets: SECRETS,
    adjustDeps: record,
  });
}

const fleet = () => stack!.fake.repo('acme', 'fleet');
/** Webhook payloads name the repository as GitHub would: its clone URL is the fake's bare repository. */
function here<T extends { repository?: { clone_url?: string } }>(payload: T): T {
  payload.repository!.clone_url = pathToFileURL(seeded.bare).href;
  return payload;
}
async function settle(): Promise<void> {
  for (let seen = -1; seen !== evaluations.length; ) {
    seen = evaluations.length;
    await Promise.all(evaluations);
  }
}

/** A signed report from `cluster` that its Kustomization applied `sha` with `state`; then GitHub's check_run webhook. */
async function report(cluster: keyof typeof SECRETS, environment: string, sha: string, state: 'success' | 'failure' = 'success'): Promise<void> {
  const at = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    version: 1,
    cluster,
    sentAt: new Date(at * 1000).toISOString(),
    objects: [
      {
        kind: 'Kustomization',
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        namespace: 'flux-system',
        name: 'apps',
        source: { url: `http://${stack!.fake.host}/acme/fleet`, host: stack!.fake.host, owner: 'acme', repo: 'fleet' },
        revision: { applied: `main@sha1:${sha}`, sha },
        state,
        ...(state === 'failure' ? { message: 'Deployment/webapp: Progressing=False: ProgressDeadlineExceeded' } : {}),
      },
    ],
  });
  const response = await stack!.post('/api/courier/reports', body, signatureHeaders(SECRETS[cluster], cluster, at, body));
  expect(response.status).toBe(202);
  const name = `courier/${environment}/${cluster}`;
  const run = fleet().checkRuns.filter((r) => r.name === name && r.head_sha === sha).at(-1)!;
  expect(run).toMatchObject({ status: 'completed', conclusion: state });
  expect(await stack!.webhook('check_run', here(checkRunCompleted('acme', 'fleet', name, sha, state, INSTALLATION)), `cr-${cluster}-${sha.slice(0, 7)}-${state}`)).toBe(200);
  await settle();
}

async function push(sha: string, delivery: string): Promise<void> {
  expect(await stack!.webhook('push', here(pushTo('acme', 'fleet', sha, [], INSTALLATION)), delivery)).toBe(200);
  await settle();
}

describe('promotion dev → prod', () => {
  it('opens the prod PR only once every dev cluster reported the merge healthy, with exact bytes and an open gate; merged, nothing more', async () => {
    await boot();
    expect(await stack!.webhook('registry_package', registryPackagePublished('acme', 'webapp', '1.5.0', INSTALLATION), 'rel-1')).toBe(200);
    await stack!.courier.batcher.drain();
    const devPr = fleet().model.prs[0]!;
    expect(devPr.head).toBe('courier/image/dev/ghcr.io-acme-webapp');
    const merged = await stack!.fake.merge('acme', 'fleet', devPr.number);
    await push(merged, 'push-1');
    expect(fleet().model.prs.filter((p) => p.head === PROMOTION_BRANCH)).toEqual([]);

    await report('cloud-dev', 'dev', merged);
    expect(fleet().model.prs.filter((p) => p.head === PROMOTION_BRANCH)).toEqual([]); // munich-dev has not reported
    await report('munich-dev', 'dev', merged);

    const promotion = fleet().model.prs.find((p) => p.head === PROMOTION_BRANCH)!;
    expect(promotion).toMatchObject({ base: 'main', open: true, labels: ['courier'] });
    expect(parseMetadata(promotion.body)).toMatchObject({ kind: 'promotion', environment: 'prod', subject: 'dev', from: 'dev' });
    const head = (await fleet().store.ref(PROMOTION_BRANCH))!;
    const { store } = fleet();
    expect((await store.commit(head))!.parent).toBe(merged);
    expect(await store.changedPaths(merged, head)).toEqual([PROD_OVERLAY, 'clusters/cloud-prod/podinfo.yaml', 'clusters/cloud-prod/redis.yaml']);
    const overlay = (await store.readFile(merged, PROD_OVERLAY))!;
    expect(await store.readFile(head, PROD_OVERLAY)).toBe(
      overlay.replace('newTag: 1.3.2 # {"$imagepolicy": "flux-system:webapp:tag"}', 'newTag: 1.5.0 # {"$imagepolicy": "flux-system:webapp:tag"}').replace('newTag: "1.3.2"', 'newTag: "1.4.0"'),
    );
    const podinfo = (await store.readFile(merged, 'clusters/cloud-prod/podinfo.yaml'))!;
    expect(await store.readFile(head, 'clusters/cloud-prod/podinfo.yaml')).toBe(podinfo.replace('PODINFO_VERSION: "6.4.1"', 'PODINFO_VERSION: "6.5.0"'));
    const redis = (await store.readFile(merged, 'clusters/cloud-prod/redis.yaml'))!;
    expect(await store.readFile(head, 'clusters/cloud-prod/redis.yaml')).toBe(redis.replace('tag: 7.2.4-debian-12-r2', 'tag: 7.2.4-debian-12-r9'));
    const gate = fleet().checkRuns.filter((r) => r.name === 'courier/gate/prod' && r.head_sha === head);
    expect(gate).toHaveLength(1);
    expect(gate[0]).toMatchObject({ status: 'completed', conclusion: 'success', output: { title: 'Every gate into prod is open' } });

    // A second trigger on the same state writes nothing.
    const before = stack!.fake.counts();
    expect(await stack!.webhook('repository_dispatch', here(courierPromoteDispatch('acme', 'fleet', INSTALLATION, 'prod')), 'dispatch-1')).toBe(200);
    await settle();
    expect(stack!.fake.counts().mutating).toBe(before.mutating);

    const released = await stack!.fake.merge('acme', 'fleet', promotion.number);
    await push(released, 'push-2');
    await report('cloud-prod', 'prod', released);
    expect(fleet().checkRuns.filter((r) => r.name === 'courier/prod/cloud-prod')).toEqual([expect.objectContaining({ head_sha: released, conclusion: 'success' })]);
    // dev clusters catch up with the merge commit: nothing left to promote, no new PR.
    await report('cloud-dev', 'dev', released);
    await report('munich-dev', 'dev', released);
    expect(fleet().model.prs.filter((p) => p.open)).toEqual([]);
  });

  it('holds the gate while dev soaks and opens it on its own when the soak ends (timer, no new event)', async () => {
    await boot(CONFIG.replace('    clusters: [cloud-dev, munich-dev]\n', '    clusters: [cloud-dev, munich-dev]\n    gates:\n      soak: 2s\n'));
    const sha = seeded.commit({ 'apps/webapp/overlays/dev/kustomization.yaml': readFileSync(path.join(FLEET, 'apps/webapp/overlays/dev/kustomization.yaml'), 'utf8').replace('newTag: 1.4.0 #', 'newTag: 1.6.0 #') }, 'webapp 1.6.0 in dev');
    await push(sha, 'push-s');
    await report('cloud-dev', 'dev', sha);
    await report('munich-dev', 'dev', sha);
    const head = (await fleet().store.ref(PROMOTION_BRANCH))!;
    const gate = () => fleet().checkRuns.filter((r) => r.name === 'courier/gate/prod' && r.head_sha === head);
    expect(gate()).toEqual([expect.objectContaining({ status: 'in_progress', output: expect.objectContaining({ title: 'Waiting for soak' }) })]);
    expect(gate()[0]!.output!.summary).toMatch(/Courier evaluates again at \d{4}-/);
    const deadline = Date.now() + 15_000;
    while (gate()[0]?.status !== 'completed' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(gate()).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'success' })]);
  });

  it('a dev cluster that fails on the change blocks the promotion and rejects the versions it would carry', async () => {
    await boot();
    const sha = seeded.commit({ 'apps/webapp/overlays/dev/kustomization.yaml': readFileSync(path.join(FLEET, 'apps/webapp/overlays/dev/kustomization.yaml'), 'utf8').replace('newTag: 1.4.0 #', 'newTag: 1.6.0 #') }, 'webapp 1.6.0 in dev');
    await push(sha, 'push-f');
    await report('cloud-dev', 'dev', sha);
    await report('munich-dev', 'dev', sha, 'failure');
    expect(fleet().model.prs).toEqual([]);
    // Later the failing cluster recovers: the promotion comes, without the rejected webapp 1.6.0.
    await report('munich-dev', 'dev', sha);
    const promotion = fleet().model.prs.find((p) => p.head === PROMOTION_BRANCH)!;
    const head = (await fleet().store.ref(PROMOTION_BRANCH))!;
    expect(await fleet().store.readFile(head, PROD_OVERLAY)).toContain('newTag: 1.3.2 # {"$imagepolicy": "flux-system:webapp:tag"}');
    expect(promotion.body).toContain('ghcr.io/acme/webapp 1.6.0 is rejected');
    // Only what the failed commit changed is rejected: webapp-migrations (same file, unchanged) still moves.
    expect(await fleet().store.readFile(head, PROD_OVERLAY)).toContain('newTag: "1.4.0"');
    expect(promotion.body).not.toContain('webapp-migrations 1.4.0 is rejected');

    // dev is put back by hand; the rejected 1.6.0 announced again proposes nothing, a newer 1.7.0 does.
    const reverted = seeded.commit({ 'apps/webapp/overlays/dev/kustomization.yaml': readFileSync(path.join(FLEET, 'apps/webapp/overlays/dev/kustomization.yaml'), 'utf8') }, 'back to 1.4.0');
    await push(reverted, 'push-r');
    const imagePrs = () => fleet().model.prs.filter((p) => p.head.startsWith('courier/image/'));
    expect(await stack!.webhook('registry_package', registryPackagePublished('acme', 'webapp', '1.6.0', INSTALLATION), 'rel-rejected')).toBe(200);
    await stack!.courier.batcher.drain();
    expect(imagePrs()).toEqual([]);
    expect(await stack!.webhook('registry_package', registryPackagePublished('acme', 'webapp', '1.7.0', INSTALLATION), 'rel-newer')).toBe(200);
    await stack!.courier.batcher.drain();
    expect(imagePrs().map((p) => parseMetadata(p.body)?.images)).toEqual([[expect.objectContaining({ repository: 'ghcr.io/acme/webapp', tag: '1.7.0' })]]);
  });

  it('with rollback: auto, a failing dev cluster opens a PR back to the last all-green versions and freezes dev', async () => {
    await boot(CONFIG.replace('    clusters: [cloud-dev, munich-dev]\n', '    clusters: [cloud-dev, munich-dev]\n    rollback: auto\n'));
    const green = (await fleet().store.ref('main'))!;
    await report('cloud-dev', 'dev', green);
    await report('munich-dev', 'dev', green); // the seeded fleet is healthy everywhere in dev
    const promotedBefore = fleet().model.prs.filter((p) => p.head === PROMOTION_BRANCH).length;
    const overlay = readFileSync(path.join(FLEET, 'apps/webapp/overlays/dev/kustomization.yaml'), 'utf8');
    const bad = seeded.commit({ 'apps/webapp/overlays/dev/kustomization.yaml': overlay.replace('newTag: 1.4.0 #', 'newTag: 1.6.0 #') }, 'webapp 1.6.0 in dev');
    await push(bad, 'push-bad');
    await report('cloud-dev', 'dev', bad);
    await report('munich-dev', 'dev', bad, 'failure');
    const rollback = fleet().model.prs.find((p) => p.head === 'courier/promote/dev/rollback')!;
    expect(rollback).toMatchObject({ open: true, base: 'main' });
    expect(rollback.body).toContain(`the versions of \`${green.slice(0, 12)}\``);
    expect(rollback.body).toContain('because munich-dev failed to apply');
    const head = (await fleet().store.ref('courier/promote/dev/rollback'))!;
    expect(await fleet().store.changedPaths(bad, head)).toEqual(['apps/webapp/overlays/dev/kustomization.yaml']);
    expect(await fleet().store.readFile(head, 'apps/webapp/overlays/dev/kustomization.yaml')).toBe(overlay);
    // dev is frozen: the healthy recovery of munich-dev does not promote out of it.
    await report('munich-dev', 'dev', bad);
    // The promotion PR opened while dev was green keeps its head, and its gate now says why it cannot merge.
    expect(promotedBefore).toBe(1);
    const promotionHead = (await fleet().store.ref(PROMOTION_BRANCH))!;
    const gate = fleet().checkRuns.filter((r) => r.name === 'courier/gate/prod' && r.head_sha === promotionHead);
    expect(gate).toHaveLength(1);
    expect(gate[0]).toMatchObject({ status: 'completed', conclusion: 'failure', output: { summary: expect.stringContaining('dev is frozen') } });
    const dashboard = fleet().issues.find((i) => i.labels.includes('courier-dashboard'))!;
    expect(dashboard.body).toContain('"freezes":[{"environment":"dev"');
  });

  it('with rollback: manual (the default), a failure opens no rollback PR; /courier rollback dev does', async () => {
    await boot();
    fleet().permissions.set('maintainer', 'admin');
    const green = (await fleet().store.ref('main'))!;
    await report('cloud-dev', 'dev', green);
    await report('munich-dev', 'dev', green);
    const overlay = readFileSync(path.join(FLEET, 'apps/webapp/overlays/dev/kustomization.yaml'), 'utf8');
    const bad = seeded.commit({ 'apps/webapp/overlays/dev/kustomization.yaml': overlay.replace('newTag: 1.4.0 #', 'newTag: 1.6.0 #') }, 'webapp 1.6.0 in dev');
    await push(bad, 'push-bad-m');
    await report('cloud-dev', 'dev', bad);
    await report('munich-dev', 'dev', bad, 'failure');
    expect(fleet().model.prs.filter((p) => p.head === 'courier/promote/dev/rollback')).toEqual([]);
    fleet().issues.push({ number: 1, title: 'ops', body: '', labels: [], state: 'open', comments: [] });
    expect(await stack!.webhook('issue_comment', here(issueCommentCreated('acme', 'fleet', 1, 'maintainer', '/courier rollback dev', INSTALLATION)), 'cmd-rb')).toBe(200);
    expect(fleet().model.prs.filter((p) => p.head === 'courier/promote/dev/rollback')).toHaveLength(1);
    expect(fleet().issues.find((i) => i.number === 1)!.comments.at(-1)!.body).toMatch(/Rolling \*\*dev\*\* back to its last healthy versions in #\d+/);
  });

  it('with approval required, only an approving review by someone with write permission opens the gate', async () => {
    await boot(CONFIG.replace('    clusters: [cloud-dev, munich-dev]\n', '    clusters: [cloud-dev, munich-dev]\n    gates:\n      approval: true\n'));
    fleet().permissions.set('maintainer', 'write');
    fleet().permissions.set('visitor', 'read');
    const sha = (await fleet().store.ref('main'))!;
    await report('cloud-dev', 'dev', sha);
    await report('munich-dev', 'dev', sha);
    const pr = fleet().model.prs.find((p) => p.head === PROMOTION_BRANCH)!;
    const gate = async () => {
      const head = await fleet().store.ref(PROMOTION_BRANCH);
      return fleet().checkRuns.filter((r) => r.name === 'courier/gate/prod' && r.head_sha === head).at(-1);
    };
    expect(await gate()).toMatchObject({ status: 'in_progress', output: { title: 'Waiting for approval' } });
    const review = async (login: string, id: string) => {
      fleet().reviews.set(pr.number, [...(fleet().reviews.get(pr.number) ?? []), { user: { login }, state: 'APPROVED' }]);
      expect(await stack!.webhook('pull_request_review', here(pullRequestReviewSubmitted('acme', 'fleet', pr.number, PROMOTION_BRANCH, login, 'approved', INSTALLATION)), id)).toBe(200);
      await settle();
    };
    await review('visitor', 'rv-1');
    expect(await gate()).toMatchObject({ status: 'in_progress' });
    await review('maintainer', 'rv-2');
    expect(await gate()).toMatchObject({ status: 'completed', conclusion: 'success', output: { summary: expect.stringContaining('approved by maintainer') } });
  });

  it('a newer change in dev updates the open promotion PR in place: one PR, the newer version', async () => {
    await boot();
    const first = (await fleet().store.ref('main'))!;
    await report('cloud-dev', 'dev', first);
    await report('munich-dev', 'dev', first);
    const pr = fleet().model.prs.find((p) => p.head === PROMOTION_BRANCH)!;
    const overlay = readFileSync(path.join(FLEET, 'apps/webapp/overlays/dev/kustomization.yaml'), 'utf8');
    const newer = seeded.commit({ 'apps/webapp/overlays/dev/kustomization.yaml': overlay.replace('newTag: 1.4.0 #', 'newTag: 1.7.0 #') }, 'webapp 1.7.0 in dev');
    await push(newer, 'push-newer');
    await report('cloud-dev', 'dev', newer);
    await report('munich-dev', 'dev', newer);
    expect(fleet().model.prs.filter((p) => p.head === PROMOTION_BRANCH)).toEqual([expect.objectContaining({ number: pr.number, open: true })]);
    const head = (await fleet().store.ref(PROMOTION_BRANCH))!;
    expect((await fleet().store.commit(head))!.parent).toBe(newer);
    expect(await fleet().store.readFile(head, PROD_OVERLAY)).toContain('newTag: 1.7.0 # {"$imagepolicy": "flux-system:webapp:tag"}');
    expect(parseMetadata(fleet().model.prs.find((p) => p.number === pr.number)!.body)?.moves).toContain('image ghcr.io/acme/webapp: 1.3.2 → 1.7.0');
  });
});

