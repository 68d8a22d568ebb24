import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { courierApp } from '../../src/app.ts';
import { InstallationCache } from '../../src/handlers/installation-cache.ts';
import { ReleaseBatcher } from '../../src/handlers/release-batcher.ts';
import { imageJobFlush } from '../../src/handlers/run-jobs.ts';
import { CONFIG_YAML, ManualScheduler, example, fakeDeps, repository, testProbot, tokenResponse } from './helpers.ts';

const API = 'https://api.github.com';
const CONFIG = '/contents/.github%2Fcourier.yml';
const DIGEST = `sha256:${'a1b2c3d4'.repeat(8)}`;
const registryPackage = () => JSON.parse(readFileSync(new URL('./fixtures/registry_package.published.json', import.meta.url), 'utf8'));
const yaml = (text: string) => [200, text, { 'content-type': 'application/vnd.github.raw+json; charset=utf-8' }] as const;

function setup(overrides: Parameters<typeof fakeDeps>[0] = {}) {
  const { probot, logs, metrics } = testProbot();
  const clock = { now: new Date('2026-01-02T03:04:05Z') };
  const { deps, updates, resyncs } = fakeDeps({ now: () => clock.now, ...overrides });
  const scheduler = new ManualScheduler();
  const batcher = new ReleaseBatcher({ scheduler, now: deps.now, flush: imageJobFlush(deps, metrics, probot.log) });
  probot.load(courierApp({ deps, metrics, batcher, cache: new InstallationCache({ now: deps.now }) }));
  return { probot, logs, metrics, deps, updates, resyncs, scheduler, batcher, clock };
}

/** Installation with three repositories over two pages: one uses the image, one has no config, one another image. */
function mockInstallation(scope: nock.Scope, { token = true } = {}) {
  if (token) scope.post('/app/installations/1/access_tokens').reply(201, tokenResponse());
  return scope
    .get('/installation/repositories')
    .query({ per_page: 100 })
    .reply(200, { total_count: 3, repository_selection: 'all', repositories: [repository('acme', 'gitops'), repository('acme', 'website')] }, {
      link: `<${API}/installation/repositories?per_page=100&page=2>; rel="next", <${API}/installation/repositories?per_page=100&page=2>; rel="last"`,
    })
    .get('/installation/repositories')
    .query({ per_page: 100, page: 2 })
    .reply(200, { total_count: 3, repository_selection: 'all', repositories: [repository('acme', 'other-gitops')] })
    .get(`/repos/acme/gitops${CONFIG}`)
    .reply(...yaml(CONFIG_YAML))
    .get(`/repos/acme/website${CONFIG}`)
    .reply(404, { message: 'Not Found' })
    .get(`/repos/acme/.github${CONFIG}`)
    .reply(404, { message: 'Not Found' })
    .get(`/repos/acme/other-gitops${CONFIG}`)
    .reply(...yaml(CONFIG_YAML.replace('ghcr.io/acme/app', 'ghcr.io/acme/billing')));
}

/** GitHub App deliveries always carry the installation; some public examples were recorded without one. */
function withInstallation<T extends object>(payload: T): T {
  return Object.assign(payload, { installation: { id: 1, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' } });
}

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
  nock.enableNetConnect();
});

describe('image triggers', () => {
  it('registry_package.published fans out to the configured repositories that use the image', async () => {
    const { probot, updates, scheduler, batcher, metrics, clock } = setup();
    const scope = mockInstallation(nock(API));
    await probot.receive({ id: 'delivery-1', name: 'registry_package', payload: registryPackage() });
    expect(scope.isDone()).toBe(true);
    expect(updates).toEqual([]);
    clock.now = new Date(clock.now.getTime() + 10_500);
    expect(scheduler.fireAll()).toBe(1);
    await batcher.drain();
    expect(updates).toHaveLength(1);
    const { target, releases } = updates[0]!;
    expect({ ...target, octokit: undefined }).toEqual({
      octokit: undefined,
      installationId: 1,
      owner: 'acme',
      repo: 'gitops',
      cloneUrl: 'https://github.com/acme/gitops.git',
      defaultBranch: 'main',
      config: expect.objectContaining({ images: [{ repository: 'ghcr.io/acme/app', source: { repository: 'acme/app' } }] }),
    });
    expect(releases).toEqual([
      { repository: 'ghcr.io/acme/app', tag: '1.4.2', digest: DIGEST, source: { url: 'https://github.com/acme/app', revision: '6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b' } },
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('courier_events_total{event="registry_package",action="published"} 1');
    expect(text).toContain('courier_pull_requests_total{action="opened"} 1');
    // Event → PR latency: the 10 s window plus the write, measured on the injected clock.
    expect(text).toContain('courier_event_to_pr_seconds_bucket{le="10"} 0');
    expect(text).toContain('courier_event_to_pr_seconds_bucket{le="20"} 1');
    expect(text).toContain('courier_event_to_pr_seconds_sum 10.5');
    expect(text).toContain('courier_github_requests_total{route="/installation/repositories",method="GET"} 2');
    expect(text).toContain('courier_github_requests_total{route="/repos/{owner}/{repo}/contents/{path}",method="GET"} 4');
  });

  it('a registry_package whose tag is not a valid tag queues nothing and says why (issue 13.6)', async () => {
    const { probot, updates, scheduler, batcher, logs } = setup();
    const scope = mockInstallation(nock(API));
    const payload = registryPackage();
    payload.registry_package.package_version.container_metadata.tag.name = 'zzz" securityContext: {privileged: true}';
    await probot.receive({ id: 'delivery-bad-tag', name: 'registry_package', payload });
    expect(scope.isDone()).toBe(true);
    scheduler.fireAll();
    await batcher.drain();
    expect(updates.map((u) => u.releases)).toEqual([]);
    expect(logs.messages().some((m) => m.includes('refused: tag "zzz\\" securityContext: {privileged: true}" of ghcr.io/acme/app is not a valid tag'))).toBe(true);
  });

  it('the same delivery received 10 times results in one image job run and one fan-out', async () => {
    const { probot, updates, scheduler, batcher } = setup();
    const scope = mockInstallation(nock(API));
    for (let i = 0; i < 10; i++) {
      await probot.receive({ id: 'delivery-dup', name: 'registry_package', payload: registryPackage() });
    }
    expect(scope.isDone()).toBe(true);
    scheduler.fireAll();
    await batcher.drain();
    expect(updates).toHaveLength(1);
  });

  it('package.published for a non-container package does nothing and calls no API', async () => {
    const { probot, updates, logs } = setup();
    await probot.receive({ id: 'p1', name: 'package', payload: withInstallation(example('package', 'published')) });
    expect(updates).toEqual([]);
    expect(logs.messages()).toContain('package p1: nothing to do: package hello-world-npm is a npm package, not a container image');
  });

  it('release.published in a source repository updates the repositories that map it to an image', async () => {
    const { probot, updates, scheduler, batcher } = setup();
    const config = CONFIG_YAML.replace('ghcr.io/acme/app', 'ghcr.io/codertocat/hello-world').replace('acme/app', 'Codertocat/Hello-World');
    nock(API)
      .post('/app/installations/1/access_tokens')
      .reply(201, tokenResponse())
      .get('/installation/repositories')
      .query({ per_page: 100 })
      .reply(200, { total_count: 2, repositories: [repository('Codertocat', 'gitops'), repository('Codertocat', 'infra')] })
      .get(`/repos/Codertocat/gitops${CONFIG}`)
      .reply(...yaml(config))
      .get(`/repos/Codertocat/infra${CONFIG}`)
      .reply(...yaml(CONFIG_YAML));
    await probot.receive({ id: 'r1', name: 'release', payload: withInstallation(example('release', 'published')) });
    scheduler.fireAll();
    await batcher.drain();
    expect(updates.map((u) => [u.target.repo, u.releases])).toEqual([
      [
        'gitops',
        [
          {
            repository: 'ghcr.io/codertocat/hello-world',
            tag: '0.0.1',
            source: {
              url: 'https://github.com/Codertocat/Hello-World',
              revision: '0.0.1',
              releaseNotesUrl: 'https://github.com/Codertocat/Hello-World/releases/tag/0.0.1',
            },
          },
        ],
      ],
    ]);
  });

  it('repository_dispatch courier-image is fanned out like a registry event', async () => {
    const { probot, updates, scheduler, batcher } = setup();
    nock(API)
      .post('/app/installations/375706/access_tokens')
      .reply(201, tokenResponse())
      .get('/installation/repositories')
      .query({ per_page: 100 })
      .reply(200, { total_count: 1, repositories: [repository('octo-org', 'gitops')] })
      .get(`/repos/octo-org/gitops${CONFIG}`)
      .reply(...yaml(CONFIG_YAML));
    const payload = { ...example('repository_dispatch'), action: 'courier-image', client_payload: { image: 'ghcr.io/acme/app', tag: '1.5.0' } };
    await probot.receive({ id: 'rd1', name: 'repository_dispatch', payload });
    scheduler.fireAll();
    await batcher.drain();
    expect(updates.map((u) => [u.target.repo, u.releases])).toEqual([['gitops', [{ repository: 'ghcr.io/acme/app', tag: '1.5.0' }]]]);
  });

  it('an invalid courier-image dispatch is logged with what to fix and does nothing', async () => {
    const { probot, updates, logs } = setup();
    const payload = { ...example('repository_dispatch'), action: 'courier-image', client_payload: { image: 'ghcr.io/acme/app' } };
    await probot.receive({ id: 'rd2', name: 'repository_dispatch', payload });
    expect(updates).toEqual([]);
    expect(logs.messages().some((m) => m.startsWith('repository_dispatch rd2: nothing to do: courier-image dispatch: client_payload.tag'))).toBe(true);
  });

  it('skips a repository whose config is invalid and uses nothing from it', async () => {
    const { probot, updates, scheduler, batcher, logs } = setup();
    nock(API)
      .post('/app/installations/1/access_tokens')
      .reply(201, tokenResponse())
      .get('/installation/repositories')
      .query({ per_page: 100 })
      .reply(200, { total_count: 1, repositories: [repository('acme', 'gitops')] })
      .get(`/repos/acme/gitops${CONFIG}`)
      .reply(...yaml('environments: oops\nimages:\n  - repository: ghcr.io/acme/app\n'));
    await probot.receive({ id: 'bad', name: 'registry_package', payload: registryPackage() });
    expect(scheduler.fireAll()).toBe(0);
    await batcher.drain();
    expect(updates.map((u) => u.releases)).toEqual([]);
    expect(logs.messages()).toContain('acme/gitops: .github/courier.yml is invalid (1 problems); skipped');
  });

  it('follows _extends and organisation defaults the way context.config does', async () => {
    const { probot, updates, scheduler, batcher } = setup();
    nock(API)
      .post('/app/installations/1/access_tokens')
      .reply(201, tokenResponse())
      .get('/installation/repositories')
      .query({ per_page: 100 })
      .reply(200, { total_count: 1, repositories: [repository('acme', 'gitops')] })
      .get(`/repos/acme/gitops${CONFIG}`)
      .reply(...yaml('_extends: platform-config\nimages:\n  - repository: ghcr.io/acme/app\n'))
      .get(`/repos/acme/platform-config${CONFIG}`)
      .reply(...yaml('environments:\n  - name: dev\n    clusters: [c]\n    paths: ["**"]\nimages: []\n'));
    await probot.receive({ id: 'ext', name: 'registry_package', payload: registryPackage() });
    scheduler.fireAll();
    await batcher.drain();
    expect(updates[0]!.target.config).toEqual({
      environments: [{ name: 'dev', clusters: ['c'], paths: ['**'] }],
      images: [{ repository: 'ghcr.io/acme/app' }],
    });
  });

  it('a burst of releases costs one listing and one config read per repository, until the config changes', async () => {
    const { probot, updates, scheduler, batcher, clock } = setup();
    mockInstallation(nock(API));
    const tags = ['1.4.2', '1.4.3', '1.4.4'];
    for (const [i, tag] of tags.entries()) {
      const payload = registryPackage();
      payload.registry_package.package_version.container_metadata.tag.name = tag;
      await probot.receive({ id: `burst-${i}`, name: 'registry_package', payload });
    }
    scheduler.fireAll();
    await batcher.drain();
    expect(updates.map((u) => [u.target.repo, u.releases.map((r) => r.tag)])).toEqual([['gitops', tags]]);

    // A push that changes acme/gitops's config makes the next event read it again.
    const push = example('push', undefined, 4);
    Object.assign(push.repository, { name: 'gitops', full_name: 'acme/gitops' });
    push.repository.owner.login = 'acme';
    push.commits[0].modified = ['.github/courier.yml'];
    nock(API)
      .get(`/repos/acme/gitops${CONFIG}`)
      .query({ ref: push.after })
      .reply(...yaml(CONFIG_YAML))
      .post('/repos/acme/gitops/check-runs')
      .reply(201, { id: 1 })
      .get(`/repos/acme/gitops${CONFIG}`)
      .reply(...yaml(CONFIG_YAML.replace('ghcr.io/acme/app', 'ghcr.io/acme/other')));
    await probot.receive({ id: 'push-config', name: 'push', payload: push });
    await probot.receive({ id: 'after-push', name: 'registry_package', payload: registryPackage() });
    expect(scheduler.fireAll()).toBe(0);

    // Past the TTL everything is read again.
    clock.now = new Date(clock.now.getTime() + 61_000);
    // The installation token is still valid: Probot caches it.
    mockInstallation(nock(API), { token: false });
    await probot.receive({ id: 'after-ttl', name: 'registry_package', payload: registryPackage() });
    expect(scheduler.fireAll()).toBe(1);
  });
});
