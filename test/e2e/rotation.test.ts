/**
 * SOPS key rotation in the App, end to end through the real wiring against the fake GitHub and a bare
 * repository of SOPS files encrypted for a prod and a dev cluster key plus Courier's own: step 1 on
 * `/courier rotate-keys` (updatekeys: values, MAC and lastmodified unchanged), merged; step 2 only
 * after every affected cluster applied step 1 healthily (a failure halts it with a comment), across a
 * restart; every output searched for plaintexts and private keys.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HISTORY_NOTE } from '../../src/core/key-rotation/index.ts';
import { keyLocation } from '../../src/core/key-rotation/key-secret.ts';
import { parseMetadata } from '../../src/core/proposal/names.ts';
import { signatureHeaders } from '../../src/core/reconcile/signature.ts';
import { openSopsFile } from '../../src/core/sops/index.ts';
import { startCourier, startCourierStack, type CourierStack } from '../support/courier-stack.ts';
import { seedBareRepo, type SeededRepo } from '../support/bare-repo.ts';
import { gitEnv } from '../support/git-store.ts';
import { evaluationRecorder, until } from '../support/evaluations.ts';
import { checkRunCompleted, courierRotateKeysDispatch, issueCommentCreated, pushTo } from '../support/payloads.ts';
import { createSopsRepo, PLAINTEXTS, type SopsRepo } from '../local/sops-fixture-repo.ts';

const INSTALLATION = 6262;
const SECRETS = { prod: 'prod-cluster-secret-1', dev: 'dev-cluster-secret-2' };
const CONFIG = 'environments:\n  - name: dev\n    clusters: [dev]\n    paths: ["clusters/dev/**"]\n  - name: prod\n    clusters: [prod]\n    paths: ["clusters/prod/**"]\nsops:\n  keySecrets:\n    - path: clusters/*/flux-system/sops-age.enc.yaml\n';
const START = 'courier/rotate-keys/all/start';
const FINISH = 'courier/rotate-keys/all/finish';

let root: string;
let seeded: SeededRepo;
let keys: SopsRepo;
let stack: CourierStack | undefined;
const evaluations = evaluationRecorder();
const { record, settle } = evaluations;
let deliveries = 0;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'courier-e2e-rotate-'));
  evaluations.reset();
});
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  rmSync(root, { recursive: true, force: true });
});

function filesOf(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(path.join(dir, prefix))) {
    if (name === '.git') continue;
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(path.join(dir, rel)).isDirectory()) Object.assign(out, filesOf(dir, rel));
    else out[rel] = readFileSync(path.join(dir, rel), 'utf8');
  }
  return out;
}
async function boot(config = CONFIG): Promise<void> {
  keys = await createSopsRepo(path.join(root, 'src'));
  seeded = seedBareRepo(root, 'fleet', { files: { ...filesOf(keys.dir), '.github/courier.yml': config } });
  stack = await startCourierStack({ repos: [{ owner: 'acme', name: 'fleet', bareDir: seeded.bare, installationId: INSTALLATION }], root, cacheDir: path.join(root, 'cache'), clusterSecrets: SECRETS, env: { SOPS_AGE_KEY: keys.courier.identity }, adjustDeps: record });
  fleet().permissions.set('maintainer', 'maintain');
}
const fleet = () => stack!.fake.repo('acme', 'fleet');
const openPr = (head: string) => fleet().model.prs.find((p) => p.head === head && p.open);
function here<T extends { repository?: { clone_url?: string } }>(payload: T): T {
  payload.repository!.clone_url = pathToFileURL(seeded.bare).href;
  return payload;
}
async function push(sha: string): Promise<void> {
  expect(await stack!.webhook('push', here(pushTo('acme', 'fleet', sha, [], INSTALLATION)), `push-${++deliveries}`)).toBe(200);
  await settle();
}
async function report(cluster: keyof typeof SECRETS, sha: string, state: 'success' | 'failure' = 'success'): Promise<void> {
  const at = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    version: 1,
    cluster,
    sentAt: new Date(at * 1000).toISOString(),
    objects: [{ kind: 'Kustomization', apiVersion: 'kustomize.toolkit.fluxcd.io/v1', namespace: 'flux-system', name: 'flux-system', source: { url: `http://${stack!.fake.host}/acme/fleet`, host: stack!.fake.host, owner: 'acme', repo: 'fleet' }, revision: { applied: `main@sha1:${sha}`, sha }, state, ...(state === 'failure' ? { message: 'decryption failed' } : {}) }],
  });
  expect((await stack!.post('/api/courier/reports', body, signatureHeaders(SECRETS[cluster], cluster, at, body))).status).toBe(202);
  expect(await stack!.webhook('check_run', here(checkRunCompleted('acme', 'fleet', `courier/${cluster}/${cluster}`, sha, state, INSTALLATION)), `cr-${++deliveries}`)).toBe(200);
  await settle();
}
async function comment(body: string): Promise<string> {
  const before = stack!.fake.prComments.length + fleet().issues.flatMap((i) => i.comments).length;
  expect(await stack!.webhook('issue_comment', here(issueCommentCreated('acme', 'fleet', 100, 'maintainer', body, INSTALLATION, { id: 800_000 + ++deliveries })), `c-${deliveries}`)).toBe(200);
  await until('a reply', () => stack!.fake.prComments.length + fleet().issues.flatMap((i) => i.comments).length > before, 30_000);
  return [...stack!.fake.prComments, ...fleet().issues.flatMap((i) => i.comments)].filter((c) => c.body.startsWith('@maintainer')).at(-1)!.body;
}
const line = (text: string, key: string) => text.split('\n').find((l) => l.trimStart().startsWith(`${key}:`));

describe('SOPS key rotation in the App', () => {
  it('step 1 on a command; step 2 only after every affected cluster applied it, halted by a failure, across a restart; no secret anywhere', async () => {
    await boot();
    fleet().issues.push({ number: 100, title: 'ops', body: '', labels: [], state: 'open', comments: [] });
    const reply = await comment('/courier rotate-keys');
    expect(reply).toMatch(/Key rotation: step 1 of the key rotation is #\d+/);
    const pr1 = openPr(START)!;
    expect(parseMetadata(pr1.body)).toMatchObject({ kind: 'rotation', subject: 'start', step: 'start' });
    const { store } = fleet();
    const main0 = (await store.ref('main'))!;
    const head1 = (await store.ref(START))!;
    expect((await store.changedPaths(main0, head1)).sort()).toEqual(['.sops.yaml', 'clusters/dev/apps/api.enc.yaml', 'clusters/dev/flux-system/sops-age.enc.yaml', 'clusters/prod/apps/app.enc.env', 'clusters/prod/apps/db.enc.yaml', 'clusters/prod/flux-system/sops-age.enc.yaml']);
    // updatekeys: the MAC and lastmodified of a value file are unchanged; the new recipient opens it.
    const before = (await store.readFile(main0, 'clusters/prod/apps/db.enc.yaml'))!;
    const after = (await store.readFile(head1, 'clusters/prod/apps/db.enc.yaml'))!;
    for (const key of ['mac', 'lastmodified', 'password']) expect(line(after, key)).toBe(line(before, key));
    expect(await comment('/courier rotate-keys')).toContain(`already under way: step 1 is #${pr1.number}`);

    const merged = await stack!.fake.merge('acme', 'fleet', pr1.number);
    await push(merged);
    expect(openPr(FINISH)).toBeUndefined();
    // A restart between the steps: a new process state (and cold cache) on the same GitHub.
    await stack!.courier.close();
    mkdirSync(path.join(root, 'r2'), { recursive: true });
    stack = { ...stack!, ...(await startCourier(stack!.fake, { root: path.join(root, 'r2'), cacheDir: path.join(root, 'cache-2'), clusterSecrets: SECRETS, env: { SOPS_AGE_KEY: keys.courier.identity }, adjustDeps: record })) };
    await report('dev', merged);
    expect(openPr(FINISH)).toBeUndefined(); // prod has not reported
    await report('prod', merged, 'failure');
    expect(openPr(FINISH)).toBeUndefined();
    const halts = () => stack!.fake.prComments.filter((c) => c.issue === pr1.number && c.body.startsWith('⛔'));
    expect(halts()).toHaveLength(1);
    expect(halts()[0]!.body).toContain('prod reported a failed reconcile');
    expect(fleet().issues.find((i) => i.labels.includes('courier-dashboard'))!.body).toContain('SOPS key rotation halted between its steps: prod');
    await push(merged);
    expect(halts()).toHaveLength(1); // said once
    await report('prod', merged);
    const pr2 = openPr(FINISH)!;
    expect(pr2).toBeDefined();
    expect(pr2.body).toContain(HISTORY_NOTE);
    expect(pr2.body).toContain(`Step 1: #${pr1.number}.`);
    expect(parseMetadata(pr2.body)).toMatchObject({ kind: 'rotation', subject: 'finish', dependsOn: START });
    expect(stack!.fake.prComments.some((c) => c.issue === pr1.number && c.body.includes(`step 2 is #${pr2.number}`))).toBe(true);
    expect(fleet().issues.find((i) => i.labels.includes('courier-dashboard'))!.body).not.toContain('rotation halted');
    // Step 2: the old cluster key no longer opens a rotated file; a re-run writes nothing.
    const head2 = (await store.ref(FINISH))!;
    const rotated = (await store.readFile(head2, 'clusters/prod/apps/db.enc.yaml'))!;
    await expect(openSopsFile({ path: 'clusters/prod/apps/db.enc.yaml', text: rotated }, [keys.prod])).rejects.toThrow();
    const quiet = stack!.fake.counts().mutating;
    await push(merged);
    expect(stack!.fake.counts().mutating).toBe(quiet);

    // No plaintext or private key in any output: PR bodies, comments, issues, check runs, commit messages, the caches on disk.
    const log = execFileSync('git', ['log', '--all', '--format=%B'], { cwd: seeded.bare, env: gitEnv(), encoding: 'utf8' });
    const outputs = [
      ...fleet().model.prs.map((p) => `${p.title}\n${p.body}`),
      ...stack!.fake.prComments.map((c) => c.body),
      ...fleet().issues.map((i) => `${i.body}\n${i.comments.map((c) => c.body).join('\n')}`),
      ...fleet().checkRuns.map((r) => JSON.stringify(r)),
      log,
    ].join('\n');
    // The new private keys exist only inside the encrypted key Secrets: read them back with Courier's key.
    const generated: string[] = [];
    for (const cluster of ['prod', 'dev']) {
      const p = `clusters/${cluster}/flux-system/sops-age.enc.yaml`;
      const opened = await openSopsFile({ path: p, text: (await store.readFile(head1, p))! }, [keys.courier]);
      generated.push(...(keyLocation(opened, 'age.agekey')!.text.match(/AGE-SECRET-KEY-1[0-9A-Z]+/g) ?? []));
    }
    expect(generated).toHaveLength(4); // old and new, per cluster
    const secrets = [...PLAINTEXTS, keys.courier.identity, keys.prod.identity, keys.dev.identity, ...generated];
    for (const s of secrets) expect(outputs.includes(s), `output holds ${s.slice(0, 12)}…`).toBe(false);
    const grep = (dir: string, s: string) => { try { execFileSync('grep', ['-rqF', s, dir]); return true; } catch { return false; } };
    for (const s of secrets) for (const dir of [path.join(root, 'cache'), path.join(root, 'cache-2')]) expect(grep(dir, s), `${dir} holds a secret`).toBe(false);
  }, 120_000);

  it('a courier-rotate-keys dispatch starts step 1; without a key Courier says which variables to set and writes nothing', async () => {
    await boot();
    expect(await stack!.webhook('repository_dispatch', here(courierRotateKeysDispatch('acme', 'fleet', INSTALLATION)), 'd-1')).toBe(200);
    await until('step 1', () => openPr(START) !== undefined, 30_000);
    await stack!.courier.close();
    mkdirSync(path.join(root, 'r3'), { recursive: true });
    stack = { ...stack!, ...(await startCourier(stack!.fake, { root: path.join(root, 'r3'), cacheDir: path.join(root, 'cache-3'), clusterSecrets: SECRETS, adjustDeps: record })) };
    fleet().issues.push({ number: 100, title: 'ops', body: '', labels: [], state: 'open', comments: [] });
    expect(await comment('/courier rotate-keys')).toContain('set SOPS_AGE_KEY or SOPS_AGE_KEY_FILE');
    expect(fleet().model.prs.filter((p) => p.head === START)).toHaveLength(1);
  }, 60_000);

  it('sops.maxKeyAge starts step 1 at resync when the key Secrets last changed longer ago, once', async () => {
    await boot(`${CONFIG}  maxKeyAge: 1s\n`);
    await new Promise((r) => setTimeout(r, 1500));
    await stack!.courier.resync.runOnce();
    await until('step 1', () => openPr(START) !== undefined, 30_000);
    const writes = stack!.fake.counts().mutating;
    await stack!.courier.resync.runOnce();
    expect(fleet().model.prs.filter((p) => p.head === START)).toHaveLength(1);
    expect(stack!.fake.counts().mutating).toBe(writes);
  }, 60_000);
});
