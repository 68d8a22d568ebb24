/**
 * `/courier` comment commands and the dashboard issue, through the real wiring against the fake
 * GitHub: authorisation (write permission or nothing changes), holds kept in the dashboard issue and
 * honoured by the promotion gate after a restart, release, plan, a broken state block, and the
 * dashboard found again and updated in place (never duplicated), with its Mermaid diagram.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.ts';
import { signatureHeaders } from '../../src/core/reconcile/signature.ts';
import { startCourier, type CourierStack } from '../support/courier-stack.ts';
import { seedBareRepo, type SeededRepo } from '../support/bare-repo.ts';
import { FakeGitHubServer } from '../support/fake-github-server.ts';
import { checkRunCompleted, installationRepositoriesAdded, issueCommentCreated, pushTo } from '../support/payloads.ts';

const FLEET = path.resolve(import.meta.dirname, '../../examples/fleet');
const INSTALLATION = 4545;
const SECRETS = { 'cloud-dev': 'cloud-dev-secret-cmd1', 'munich-dev': 'munich-dev-secret-cmd2' };
const BRANCH = 'courier/promote/prod/dev';

let root: string;
let seeded: SeededRepo;
let fake: FakeGitHubServer;
let stack: CourierStack | undefined;
let evaluations: Promise<unknown>[] = [];

beforeEach(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'courier-e2e-commands-'));
  seeded = seedBareRepo(root, 'fleet', { dir: FLEET });
  fake = await FakeGitHubServer.start([{ owner: 'acme', name: 'fleet', bareDir: seeded.bare, installationId: INSTALLATION }]);
  fake.repo('acme', 'fleet').permissions.set('maintainer', 'maintain');
  fake.repo('acme', 'fleet').permissions.set('reader', 'read');
  // The issue people comment on.
  fake.repo('acme', 'fleet').issues.push({ number: 1, title: 'Release train', body: 'ops notes', labels: [], state: 'open', comments: [] });
  evaluations = [];
  await start();
});
afterEach(async () => {
  await stack?.close();
  await fake.close();
  rmSync(root, { recursive: true, force: true });
});

async function start(): Promise<void> {
  const record = (deps: AppDeps): AppDeps => ({ ...deps, promote: (t, o) => { const run = deps.promote!(t, o); evaluations.push(run); return run; } });
  stack = await startCourier(fake, { root, cacheDir: path.join(root, 'cache'), clusterSecrets: SECRETS, adjustDeps: record });
}
async function restart(): Promise<void> {
  await stack!.close();
  await start();
}
async function settle(): Promise<void> {
  for (let seen = -1; seen !== evaluations.length; ) {
    seen = evaluations.length;
    await Promise.all(evaluations.map((e) => e.catch(() => undefined)));
  }
}
const repo = () => fake.repo('acme', 'fleet');
const here = <T extends { repository?: { clone_url?: string } }>(p: T): T => ((p.repository!.clone_url = pathToFileURL(seeded.bare).href), p);
let commentSeq = 1;
async function comment(login: string, body: string, issue = 1, opts: { bot?: boolean } = {}): Promise<string> {
  const id = commentSeq++;
  const before = [...repo().issues.flatMap((i) => i.comments), ...fake.prComments].length;
  expect(await stack!.webhook('issue_comment', here(issueCommentCreated('acme', 'fleet', issue, login, body, INSTALLATION, { id, ...opts })), `c-${id}`)).toBe(200);
  await settle();
  const all = [...repo().issues.flatMap((i) => i.comments), ...fake.prComments];
  return all.slice(before).map((c) => c.body).join('\n');
}
async function report(cluster: keyof typeof SECRETS, sha: string): Promise<void> {
  const at = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ version: 1, cluster, sentAt: new Date(at * 1000).toISOString(), objects: [{ kind: 'Kustomization', apiVersion: 'kustomize.toolkit.fluxcd.io/v1', namespace: 'flux-system', name: 'apps', source: { url: `http://${fake.host}/acme/fleet`, host: fake.host, owner: 'acme', repo: 'fleet' }, revision: { applied: `main@sha1:${sha}`, sha }, state: 'success' }] });
  expect((await stack!.post('/api/courier/reports', body, signatureHeaders(SECRETS[cluster], cluster, at, body))).status).toBe(202);
  expect(await stack!.webhook('check_run', here(checkRunCompleted('acme', 'fleet', `courier/dev/${cluster}`, sha, 'success', INSTALLATION)), `cr-${cluster}-${sha}`)).toBe(200);
  await settle();
}
const dashboards = () => repo().issues.filter((i) => i.labels.includes('courier-dashboard'));
const gate = async () => {
  const head = await repo().store.ref(BRANCH);
  return repo().checkRuns.filter((r) => r.name === 'courier/gate/prod' && r.head_sha === head).at(-1);
};

describe('/courier commands', () => {
  it('refuses users without write permission and bots, changing nothing', async () => {
    const reply = await comment('reader', '/courier hold prod');
    expect(reply).toContain('Only users with write permission');
    expect(dashboards()).toEqual([]);
    expect(await comment('stranger', '/courier hold prod')).toContain('Only users with write permission');
    expect(await comment('courier[bot]', '/courier hold prod', 1, { bot: true })).toBe('');
    expect(dashboards()).toEqual([]);
    expect(fake.reactions.map((r) => r.content)).toEqual(['confused', 'confused']);
  });

  it('a hold lives in the dashboard issue, survives a restart and holds the gate; release lifts it', async () => {
    expect(await comment('maintainer', '/courier hold prod')).toContain('Held promotions into **prod**');
    expect(dashboards()).toHaveLength(1);
    expect(dashboards()[0]!.body).toContain('held: `prod` by @maintainer');
    await restart(); // nothing in memory: the hold is read back from the issue
    const sha = seeded.commit({ 'apps/webapp/overlays/dev/kustomization.yaml': readFileSync(path.join(FLEET, 'apps/webapp/overlays/dev/kustomization.yaml'), 'utf8').replace('newTag: 1.4.0 #', 'newTag: 1.6.0 #') }, 'dev 1.6.0');
    expect(await stack!.webhook('push', here(pushTo('acme', 'fleet', sha, [], INSTALLATION)), 'p-1')).toBe(200);
    await settle();
    await report('cloud-dev', sha);
    await report('munich-dev', sha);
    expect(await gate()).toMatchObject({ status: 'in_progress', output: { summary: expect.stringContaining('held by maintainer on prod') } });

    const plan = await comment('maintainer', '/courier plan');
    expect(plan).toContain('| dev → prod | PR open, gates hold it | hold: held by maintainer on prod');

    expect(await comment('maintainer', '/courier release prod')).toContain('Released `prod` (1 lifted)');
    expect(dashboards()).toHaveLength(1); // updated in place
    expect(dashboards()[0]!.body).not.toContain('held: `prod`');
    await settle();
    expect(await gate()).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  it('answers a malformed command with how to write it, and a broken state block with where it is', async () => {
    expect(await comment('maintainer', '/courier hodl prod')).toContain('unknown command "hodl"');
    expect(await comment('maintainer', '/courier hold ghcr.io/acme/webapp')).toContain('Held promotions of `ghcr.io/acme/webapp`');
    const issue = dashboards()[0]!;
    issue.body = issue.body.replace('"holds":[', '"holds":{');
    await restart();
    const reply = await comment('maintainer', '/courier release ghcr.io/acme/webapp');
    expect(reply).toMatch(/failed: acme\/fleet#1001: the courier-fleet-state block of the dashboard issue is not JSON/);
    expect(dashboards()[0]!.body).toContain('"holds":{'); // nothing written over it
  });

  it('the resync draws the dashboard: a Mermaid diagram of environments and clusters, versions, open PRs', async () => {
    expect(await stack!.webhook('installation_repositories', installationRepositoriesAdded(INSTALLATION, ['acme/fleet']), 'added-1')).toBe(200);
    await settle();
    const [issue] = dashboards();
    expect(issue!.body).toContain('```mermaid\nflowchart LR\n  subgraph env_dev["dev"]');
    expect(issue!.body).toMatch(/c_dev_cloud_dev\["cloud-dev @ [0-9a-f]{7}"\]:::unknown/);
    expect(issue!.body).toContain('env_dev -->|"waiting"| env_prod');
    expect(issue!.body).toContain('| `ghcr.io/acme/webapp` | 1.4.0 | 1.3.2 |');
    // Found again by label and mark after a restart: updated, not duplicated.
    await restart();
    expect(await stack!.webhook('installation_repositories', installationRepositoriesAdded(INSTALLATION, ['acme/fleet']), 'added-2')).toBe(200);
    await settle();
    expect(dashboards()).toHaveLength(1);
  });
});
