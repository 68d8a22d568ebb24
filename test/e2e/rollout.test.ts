/**
 * Staged rollout end to end through the real wiring (`createCourierDeps` + `runServer`) against the
 * fake GitHub and a bare repository holding the rollout fleet (apps/frontend from gitops-istio, three
 * clusters in two environments): `/courier stage` on a person's PR, one switch PR per cluster opened
 * when the previous cluster reported healthy, a failure in the middle (halt, comment, rollback PR),
 * a restart, resume, the deletion of the old folder, pause, abort and command authorisation.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMetadata } from '../../src/core/proposal/names.ts';
import { signatureHeaders } from '../../src/core/reconcile/signature.ts';
import { startCourier, startCourierStack, type CourierStack } from '../support/courier-stack.ts';
import { seedBareRepo, type SeededRepo } from '../support/bare-repo.ts';
import { gitEnv } from '../support/git-store.ts';
import { evaluationRecorder, until } from '../support/evaluations.ts';
import { checkRunCompleted, issueCommentCreated, pushTo } from '../support/payloads.ts';
import { ROLLOUT_FLEET } from '../support/rollout-fleet.ts';

const INSTALLATION = 5151;
const SECRETS = { 'staging-1': 'staging-secret-1a', 'prod-eu': 'prod-eu-secret-2b', 'prod-us': 'prod-us-secret-3c' };
const ENV: Record<keyof typeof SECRETS, string> = { 'staging-1': 'staging', 'prod-eu': 'production', 'prod-us': 'production' };
const CONFIG = readFileSync(path.join(ROLLOUT_FLEET, '.github/courier.yml'), 'utf8');
const AUTO = CONFIG.replace('  - name: production\n', '  - name: production\n    rollback: auto\n');
const fixture = (p: string): string => readFileSync(path.join(ROLLOUT_FLEET, p), 'utf8');
const FRONTEND = ['canary.yaml', 'deployment.patch.yaml', 'deployment.yaml', 'hpa.yaml', 'kustomization.yaml'];

let root: string;
let seeded: SeededRepo;
let stack: CourierStack | undefined;
const evaluations = evaluationRecorder();
const { record, settle } = evaluations;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'courier-e2e-rollout-'));
  evaluations.reset();
});
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  rmSync(root, { recursive: true, force: true });
});

async function boot(config = CONFIG): Promise<void> {
  seeded = seedBareRepo(root, 'fleet', { dir: ROLLOUT_FLEET, files: { '.github/courier.yml': config } });
  stack = await startCourierStack({ repos: [{ owner: 'acme', name: 'fleet', bareDir: seeded.bare, installationId: INSTALLATION }], root, cacheDir: path.join(root, 'cache'), clusterSecrets: SECRETS, adjustDeps: record });
  fleet().permissions.set('maintainer', 'maintain');
  fleet().permissions.set('reader', 'read');
}

const fleet = () => stack!.fake.repo('acme', 'fleet');
const prs = (head: string) => fleet().model.prs.filter((p) => p.head === head);
const openPr = (head: string) => fleet().model.prs.find((p) => p.head === head && p.open);
function here<T extends { repository?: { clone_url?: string } }>(payload: T): T {
  payload.repository!.clone_url = pathToFileURL(seeded.bare).href;
  return payload;
}

let deliveries = 0;
async function push(sha: string): Promise<void> {
  expect(await stack!.webhook('push', here(pushTo('acme', 'fleet', sha, [], INSTALLATION)), `push-${++deliveries}`)).toBe(200);
  await settle();
}
async function merge(head: string): Promise<string> {
  const sha = await stack!.fake.merge('acme', 'fleet', openPr(head)!.number);
  await push(sha);
  return sha;
}

/** A signed report from `cluster` that its frontend Kustomization applied `sha`; then GitHub's check_run webhook. */
async function report(cluster: keyof typeof SECRETS, sha: string, state: 'success' | 'failure' = 'success'): Promise<void> {
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
        name: 'frontend',
        source: { url: `http://${stack!.fake.host}/acme/fleet`, host: stack!.fake.host, owner: 'acme', repo: 'fleet' },
        revision: { applied: `main@sha1:${sha}`, sha },
        state,
        ...(state === 'failure' ? { message: 'Canary/frontend: Progressing=False: canary analysis failed' } : {}),
      },
    ],
  });
  expect((await stack!.post('/api/courier/reports', body, signatureHeaders(SECRETS[cluster], cluster, at, body))).status).toBe(202);
  const name = `courier/${ENV[cluster]}/${cluster}`;
  expect(await stack!.webhook('check_run', here(checkRunCompleted('acme', 'fleet', name, sha, state, INSTALLATION)), `cr-${++deliveries}`)).toBe(200);
  await settle();
}

/** Comments `body` as `login` on issue/PR `number`; resolves with Courier's reply. */
async function comment(number: number, body: string, login = 'maintainer', pullRequest = true): Promise<string> {
  const before = stack!.fake.prComments.length + fleet().issues.flatMap((i) => i.comments).length;
  expect(await stack!.webhook('issue_comment', here(issueCommentCreated('acme', 'fleet', number, login, body, INSTALLATION, { pullRequest, id: 700_000 + ++deliveries })), `c-${deliveries}`)).toBe(200);
  await until('a reply', () => stack!.fake.prComments.length + fleet().issues.flatMap((i) => i.comments).length > before);
  const all = [...stack!.fake.prComments, ...fleet().issues.flatMap((i) => i.comments)];
  return all.filter((c) => c.body.startsWith(`@${login}`)).at(-1)!.body;
}

/** A person's branch on top of main with `files` changed; returns its head. */
function branch(name: string, files: Record<string, string>): string {
  const work = path.join(root, `work-${name}`);
  const git = (args: string[]) => execFileSync('git', args, { cwd: work, env: gitEnv(), encoding: 'utf8' }).trim();
  execFileSync('git', ['clone', '-q', seeded.bare, work], { env: gitEnv() });
  git(['checkout', '-q', '-b', name]);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(work, p)), { recursive: true });
    writeFileSync(path.join(work, p), text);
  }
  git(['add', '-A']);
  git(['commit', '-q', '-m', name]);
  git(['push', '-q', 'origin', name]);
  return git(['rev-parse', 'HEAD']);
}

const CHANGED_KUSTOMIZATION = fixture('apps/frontend/kustomization.yaml').replace('newTag: 6.1.0', 'newTag: 6.2.0');
const SWITCH = {
  'staging-1': { file: 'clusters/staging-1/frontend.yaml', old: '  path: ./apps/frontend\n', new: '  path: ./apps/frontend-v2\n' },
  'prod-eu': { file: 'clusters/prod-eu/frontend.yaml', old: '  path: "./apps/frontend" # shared with every cluster\n', new: '  path: "./apps/frontend-v2" # shared with every cluster\n' },
  'prod-us': { file: 'clusters/prod-us/frontend.yaml', old: '  path: apps/frontend/\n', new: '  path: apps/frontend-v2/\n' },
};

/** Stages the change from a person's PR and merges it; returns the merge commit. */
async function stageAndMerge(): Promise<string> {
  const head = branch('frontend-6.2.0', { 'apps/frontend/kustomization.yaml': CHANGED_KUSTOMIZATION });
  const number = stack!.fake.openPullRequest('acme', 'fleet', { head: 'frontend-6.2.0', title: 'frontend 6.2.0', body: 'Bump the frontend.' });
  const reply = await comment(number, '/courier stage');
  expect(reply).toContain('Staged:');
  const staged = (await fleet().store.ref('frontend-6.2.0'))!;
  const { store } = fleet();
  expect((await store.commit(staged))!.parent).toBe(head);
  return staged;
}

/** The switch PR of `cluster` has exact bytes (one value of one file) and an open rollout gate. */
async function expectSwitch(cluster: keyof typeof SWITCH, base: string): Promise<void> {
  const pr = openPr(`courier/rollout/frontend/switch-${cluster}`);
  expect(pr, `switch PR of ${cluster}`).toBeDefined();
  const head = (await fleet().store.ref(pr!.head))!;
  const { store } = fleet();
  expect((await store.commit(head))!.parent).toBe(base);
  expect(await store.changedPaths(base, head)).toEqual([SWITCH[cluster].file]);
  expect(await store.readFile(head, SWITCH[cluster].file)).toBe(fixture(SWITCH[cluster].file).replace(SWITCH[cluster].old, SWITCH[cluster].new));
  expect(parseMetadata(pr!.body)).toMatchObject({ kind: 'rollout', subject: `switch-${cluster}`, app: 'frontend', target: 'apps/frontend-v2', sources: ['apps/frontend'], cluster });
  expect(pr!.body).toContain('```mermaid');
  expect(fleet().checkRuns.filter((r) => r.name === 'courier/rollout/frontend' && r.head_sha === head).at(-1)).toMatchObject({ status: 'completed', conclusion: 'success' });
}

describe('staged rollout of apps/frontend over staging-1 → prod-eu → prod-us', () => {
  it('stages a PR, walks cluster by cluster, halts on a failure with a rollback PR, survives a restart, resumes and deletes the old folder', async () => {
    await boot(AUTO);
    const staged = await stageAndMerge();
    const { store } = fleet();
    const main0 = (await store.ref('main'))!;
    // The stage: the copy holds the PR's change, the folder stays as on main, nothing else changed.
    expect((await store.changedPaths(main0, staged)).sort()).toEqual(FRONTEND.map((f) => `apps/frontend-v2/${f}`));
    expect(await store.readFile(staged, 'apps/frontend-v2/kustomization.yaml')).toBe(CHANGED_KUSTOMIZATION);
    expect(await store.readFile(staged, 'apps/frontend-v2/deployment.yaml')).toBe(fixture('apps/frontend/deployment.yaml'));
    expect(await store.readFile(staged, 'apps/frontend/kustomization.yaml')).toBe(fixture('apps/frontend/kustomization.yaml'));
    const body = fleet().model.prs[0]!.body;
    expect(body).toMatch(/^Bump the frontend\.\n\n<!-- courier-rollout-plan -->\n### Rollout plan: frontend/);
    expect(body).toContain('| 1 | staging-1 | staging | ⏳ waiting | `apps/frontend` |');
    expect(body).toContain('```mermaid');

    const m1 = await merge('frontend-6.2.0');
    await expectSwitch('staging-1', m1);
    expect(openPr('courier/rollout/frontend/switch-prod-eu')).toBeUndefined();
    const m2 = await merge('courier/rollout/frontend/switch-staging-1');
    expect(openPr('courier/rollout/frontend/switch-prod-eu')).toBeUndefined(); // staging-1 has not reported
    await report('staging-1', m2);
    await expectSwitch('prod-eu', m2);

    const m3 = await merge('courier/rollout/frontend/switch-prod-eu');
    await report('prod-eu', m3, 'failure');
    // Halted: a comment on the switch PR, the halt on the dashboard, a rollback PR, no further switch.
    const switchPr = prs('courier/rollout/frontend/switch-prod-eu')[0]!;
    const halts = () => stack!.fake.prComments.filter((c) => c.issue === switchPr.number && c.body.startsWith('⛔'));
    expect(halts()).toHaveLength(1);
    expect(halts()[0]!.body).toContain('**prod-eu** failed after its switch to `apps/frontend-v2`');
    const dashboard = fleet().issues.find((i) => i.labels.includes('courier-dashboard'))!;
    expect(dashboard.body).toContain('⛔ rollout of frontend halted: prod-eu failed after its switch');
    const rollback = openPr('courier/rollout/frontend/rollback-prod-eu')!;
    expect(rollback).toBeDefined();
    const rollbackHead = (await store.ref(rollback.head))!;
    expect(await store.changedPaths(m3, rollbackHead)).toEqual([SWITCH['prod-eu'].file]);
    expect(await store.readFile(rollbackHead, SWITCH['prod-eu'].file)).toBe(fixture(SWITCH['prod-eu'].file));
    expect(openPr('courier/rollout/frontend/switch-prod-us')).toBeUndefined();

    // Idempotent, and state comes from GitHub: a restarted App writes nothing on the same state.
    await stack!.courier.close();
    mkdirSync(path.join(root, 'r2'), { recursive: true });
    stack = { ...stack!, ...(await startCourier(stack!.fake, { root: path.join(root, 'r2'), cacheDir: path.join(root, 'cache-2'), clusterSecrets: SECRETS, adjustDeps: record })) };
    const before = stack.fake.counts().mutating;
    await report('prod-eu', m3, 'failure');
    await push(m3);
    expect(stack.fake.counts().mutating).toBe(before + 1); // the report's own check run update, nothing else
    expect(halts()).toHaveLength(1);
    expect(openPr('courier/rollout/frontend/switch-prod-us')).toBeUndefined();

    // The rollback merged, the walk resumed: prod-eu's switch again (staging-1 is healthy), then prod-us, then the deletion.
    const m4 = await merge('courier/rollout/frontend/rollback-prod-eu');
    expect(openPr('courier/rollout/frontend/switch-prod-eu')).toBeUndefined(); // still halted
    expect(await comment(switchPr.number, '/courier rollout resume frontend')).toContain('Resumed the rollout of **frontend**');
    await until('prod-eu switch again', () => openPr('courier/rollout/frontend/switch-prod-eu') !== undefined);
    await settle();
    await expectSwitch('prod-eu', m4);
    const m5 = await merge('courier/rollout/frontend/switch-prod-eu');
    await report('prod-eu', m5);
    await expectSwitch('prod-us', m5);
    const m6 = await merge('courier/rollout/frontend/switch-prod-us');
    expect(openPr('courier/rollout/frontend/finish')).toBeUndefined(); // the last cluster has not reported
    await report('prod-us', m6);
    const finish = openPr('courier/rollout/frontend/finish')!;
    const finishHead = (await store.ref(finish.head))!;
    expect(await store.changedPaths(m6, finishHead)).toEqual(FRONTEND.map((f) => `apps/frontend/${f}`));
    for (const f of FRONTEND) expect(await store.readFile(finishHead, `apps/frontend/${f}`)).toBeUndefined();
    const m7 = await merge('courier/rollout/frontend/finish');
    await report('prod-us', m7);
    expect(fleet().model.prs.filter((p) => p.open)).toEqual([]);
    expect(await store.readFile(m7, 'apps/frontend-v2/kustomization.yaml')).toBe(CHANGED_KUSTOMIZATION);
  }, 120_000);

  it('pause stops the walk and holds the open step\'s gate; resume goes on', async () => {
    await boot();
    await stageAndMerge();
    const m1 = await merge('frontend-6.2.0');
    await expectSwitch('staging-1', m1);
    expect(await comment(openPr('courier/rollout/frontend/switch-staging-1')!.number, '/courier rollout pause frontend')).toContain('Paused the rollout of **frontend**');
    await settle();
    const head = (await fleet().store.ref('courier/rollout/frontend/switch-staging-1'))!;
    await until('the gate held', () => fleet().checkRuns.filter((r) => r.name === 'courier/rollout/frontend' && r.head_sha === head).at(-1)?.status === 'in_progress');
    const m2 = await merge('courier/rollout/frontend/switch-staging-1');
    await report('staging-1', m2);
    expect(openPr('courier/rollout/frontend/switch-prod-eu')).toBeUndefined();
    expect(await comment(1, '/courier rollout resume frontend')).toContain('Resumed the rollout of **frontend** (it was paused)');
    await until('prod-eu switch', () => openPr('courier/rollout/frontend/switch-prod-eu') !== undefined);
    await settle();
    await expectSwitch('prod-eu', m2);
  }, 60_000);

  it('a hold on the app or the next environment keeps the step\'s gate waiting until released', async () => {
    await boot();
    await stageAndMerge();
    await merge('frontend-6.2.0');
    const m2 = await merge('courier/rollout/frontend/switch-staging-1');
    expect(await comment(1, '/courier hold frontend')).toContain('Held');
    await report('staging-1', m2);
    const pr = openPr('courier/rollout/frontend/switch-prod-eu')!;
    const head = (await fleet().store.ref(pr.head))!;
    const gate = () => fleet().checkRuns.filter((r) => r.name === 'courier/rollout/frontend' && r.head_sha === head).at(-1);
    expect(gate()).toMatchObject({ status: 'in_progress', output: { title: 'Waiting for hold' } });
    expect(gate()!.output!.summary).toContain('held by maintainer on frontend');
    expect(await comment(1, '/courier release frontend')).toContain('Released');
    await until('the gate opened', () => gate()?.conclusion === 'success');
  }, 60_000);

  it('abort points every switched cluster back and deletes the copy in one PR, closing the open step', async () => {
    await boot();
    await stageAndMerge();
    await merge('frontend-6.2.0');
    const m2 = await merge('courier/rollout/frontend/switch-staging-1');
    await report('staging-1', m2);
    const step = openPr('courier/rollout/frontend/switch-prod-eu')!;
    expect(await comment(step.number, '/courier rollout abort frontend')).toContain('Aborting the rollout of **frontend**');
    await until('the abort PR', () => openPr('courier/rollout/frontend/abort') !== undefined && !step.open);
    const abort = openPr('courier/rollout/frontend/abort')!;
    const { store } = fleet();
    const head = (await store.ref(abort.head))!;
    expect((await store.changedPaths(m2, head)).sort()).toEqual([...FRONTEND.map((f) => `apps/frontend-v2/${f}`), SWITCH['staging-1'].file].sort());
    expect(await store.readFile(head, SWITCH['staging-1'].file)).toBe(fixture(SWITCH['staging-1'].file));
    expect(stack!.fake.prComments.some((c) => c.issue === step.number && c.body.includes('was aborted by @maintainer'))).toBe(true);
    const m3 = await merge('courier/rollout/frontend/abort');
    expect(fleet().model.prs.filter((p) => p.open)).toEqual([]);
    const dashboard = fleet().issues.find((i) => i.labels.includes('courier-dashboard'));
    expect(dashboard?.body ?? '').not.toContain('rollout of frontend');
    expect(await store.readFile(m3, 'apps/frontend/kustomization.yaml')).toBe(fixture('apps/frontend/kustomization.yaml'));
  }, 60_000);

  it('acts only for users with write permission, and refuses to push to a fork', async () => {
    await boot();
    branch('frontend-6.2.0', { 'apps/frontend/kustomization.yaml': CHANGED_KUSTOMIZATION });
    const number = stack!.fake.openPullRequest('acme', 'fleet', { head: 'frontend-6.2.0', title: 'frontend 6.2.0' });
    const head = await fleet().store.ref('frontend-6.2.0');
    expect(await comment(number, '/courier stage', 'reader')).toContain('Only users with write permission');
    expect(await comment(number, '/courier rollout abort frontend', 'reader')).toContain('Only users with write permission');
    expect(await fleet().store.ref('frontend-6.2.0')).toBe(head);
    expect(fleet().issues.filter((i) => i.labels.includes('courier-dashboard'))).toEqual([]);
    branch('from-fork', { 'apps/frontend/kustomization.yaml': CHANGED_KUSTOMIZATION });
    const fork = stack!.fake.openPullRequest('acme', 'fleet', { head: 'from-fork', title: 'from a fork', fork: true });
    expect(await comment(fork, '/courier stage')).toContain('comes from a fork');
    expect(await comment(number, '/courier stage', 'maintainer', false)).toContain('works on a pull request');
    const unrelated = stack!.fake.openPullRequest('acme', 'fleet', { head: 'main', title: 'nothing' });
    expect(await comment(unrelated, '/courier stage')).toContain('Not staged:');
  }, 60_000);
});
