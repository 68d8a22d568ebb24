import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { courierApp } from '../../src/app.ts';
import { InstallationCache } from '../../src/handlers/installation-cache.ts';
import { ReleaseBatcher } from '../../src/handlers/release-batcher.ts';
import { DEFAULT_RESYNC_INTERVAL_MS, parseResyncInterval, Resync } from '../../src/handlers/resync.ts';
import { CONFIG_YAML, ManualScheduler, example, fakeDeps, repository, testProbot, tokenResponse } from './helpers.ts';
import { useStrictNock } from '../support/strict-nock.ts';

const API = 'https://api.github.com';
const CONFIG = '/contents/.github%2Fcourier.yml';
const yaml = (text: string) => [200, text, { 'content-type': 'application/vnd.github.raw+json; charset=utf-8' }] as const;

useStrictNock();

describe('parseResyncInterval', () => {
  it.each([
    [undefined, DEFAULT_RESYNC_INTERVAL_MS],
    ['', DEFAULT_RESYNC_INTERVAL_MS],
    ['90', 90_000],
    ['30s', 30_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['off', 0],
  ])('%j → %i ms', (value, ms) => expect(parseResyncInterval(value)).toBe(ms));

  it('rejects what is not a duration, saying what to write', () => {
    expect(() => parseResyncInterval('ten minutes')).toThrow('COURIER_RESYNC_INTERVAL="ten minutes" is not a duration: use e.g. 10m, 30s, 1h, or off');
  });
});

describe('Resync', () => {
  it('resyncs every configured repository of every installation, skipping suspended ones', async () => {
    const { probot, logs } = testProbot();
    const { deps, resyncs } = fakeDeps({
      resync: async (target) => {
        if (target.repo === 'broken') throw new Error('clone failed');
        resyncs.push(target);
        return [];
      },
    });
    nock(API)
      .get('/app/installations')
      .query({ per_page: 100 })
      .reply(200, [{ id: 1, account: { login: 'acme' } }, { id: 2, account: { login: 'old' }, suspended_at: '2025-01-01T00:00:00Z' }])
      .post('/app/installations/1/access_tokens')
      .reply(201, tokenResponse())
      .get('/installation/repositories')
      .query({ per_page: 100 })
      .reply(200, { total_count: 3, repositories: [repository('acme', 'gitops'), repository('acme', 'broken'), repository('acme', 'web', { archived: true })] })
      .get(`/repos/acme/gitops${CONFIG}`)
      .reply(...yaml(CONFIG_YAML))
      .get(`/repos/acme/broken${CONFIG}`)
      .reply(...yaml(CONFIG_YAML));
    const scheduler = new ManualScheduler();
    const resync = new Resync({ probot, deps, log: probot.log, intervalMs: 60_000, scheduler });
    resync.start();
    expect(scheduler.timers.map((t) => t.ms)).toEqual([60_000]);
    scheduler.fireAll();
    // The timer started a pass; runOnce joins it rather than starting a second one.
    expect(await resync.runOnce()).toBe(1);
    expect(resyncs.map((t) => [t.installationId, t.owner, t.repo, t.cloneUrl, t.defaultBranch])).toEqual([
      [1, 'acme', 'gitops', 'https://github.com/acme/gitops.git', 'main'],
    ]);
    expect(logs.messages()).toContain('resync of acme/broken failed; the next run retries it');
    await new Promise((resolve) => setImmediate(resolve));
    expect(scheduler.pending).toBe(1);
    await resync.stop();
    expect(scheduler.pending).toBe(0);
  });

  it("resyncs a repository again only once its own polling.interval has passed (the pass interval is the floor)", async () => {
    const { probot } = testProbot();
    const { deps, resyncs } = fakeDeps();
    const hourly = `${CONFIG_YAML}\npolling:\n  interval: 1h\n`;
    // The installation token is fetched once and reused by later passes.
    nock(API).post('/app/installations/1/access_tokens').reply(201, tokenResponse());
    const pass = () =>
      nock(API)
        .get('/app/installations')
        .query({ per_page: 100 })
        .reply(200, [{ id: 1, account: { login: 'acme' } }])
        .get('/installation/repositories')
        .query({ per_page: 100 })
        .reply(200, { total_count: 2, repositories: [repository('acme', 'hourly'), repository('acme', 'often')] })
        .get(`/repos/acme/hourly${CONFIG}`)
        .reply(...yaml(hourly))
        .get(`/repos/acme/often${CONFIG}`)
        .reply(...yaml(CONFIG_YAML));
    let now = 0;
    const resync = new Resync({ probot, deps, log: probot.log, intervalMs: 10 * 60_000, scheduler: new ManualScheduler(), now: () => now });
    const repos = () => resyncs.splice(0).map((t) => t.repo);
    pass();
    expect(await resync.runOnce()).toBe(2);
    expect(repos()).toEqual(['hourly', 'often']);
    now = 10 * 60_000;
    pass();
    expect(await resync.runOnce()).toBe(1);
    expect(repos()).toEqual(['often']);
    now = 60 * 60_000;
    pass();
    expect(await resync.runOnce()).toBe(2);
    expect(repos()).toEqual(['hourly', 'often']);
  });

  it('does not schedule anything when disabled', () => {
    const { probot } = testProbot();
    const scheduler = new ManualScheduler();
    new Resync({ probot, deps: fakeDeps().deps, log: probot.log, intervalMs: 0, scheduler }).start();
    expect(scheduler.timers).toEqual([]);
  });
});

describe('installation events', () => {
  function setup() {
    const { probot } = testProbot();
    const { deps, resyncs } = fakeDeps();
    const batcher = new ReleaseBatcher({ scheduler: new ManualScheduler(), now: deps.now, flush: async () => [] });
    probot.load(courierApp({ deps, metrics: testProbot().metrics, batcher, cache: new InstallationCache({ now: deps.now }) }));
    return { probot, resyncs };
  }

  it('installation_repositories.added resyncs the added repositories that have a config', async () => {
    const { probot, resyncs } = setup();
    nock(API)
      .post('/app/installations/957387/access_tokens')
      .reply(201, tokenResponse())
      .get('/repos/Codertocat/Space')
      .reply(200, repository('Codertocat', 'Space', { default_branch: 'trunk' }))
      .get(`/repos/Codertocat/Space${CONFIG}`)
      .reply(...yaml(CONFIG_YAML));
    await probot.receive({ id: 'ir1', name: 'installation_repositories', payload: example('installation_repositories', 'added') });
    expect(resyncs.map((t) => [t.installationId, t.repo, t.defaultBranch])).toEqual([[957387, 'Space', 'trunk']]);
  });

  it('installation.created resyncs nothing when the repositories have no config', async () => {
    const { probot, resyncs } = setup();
    nock(API)
      .post('/app/installations/957387/access_tokens')
      .reply(201, tokenResponse())
      .get('/repos/Codertocat/Hello-World')
      .reply(200, repository('Codertocat', 'Hello-World'))
      .get(`/repos/Codertocat/Hello-World${CONFIG}`)
      .reply(404, { message: 'Not Found' })
      .get(`/repos/Codertocat/.github${CONFIG}`)
      .reply(404, { message: 'Not Found' });
    await probot.receive({ id: 'i1', name: 'installation', payload: example('installation', 'created') });
    expect(resyncs).toEqual([]);
  });
});
