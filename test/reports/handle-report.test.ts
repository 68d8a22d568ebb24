import { fromOctokit } from '../../src/github/github-client.ts';
import nock from 'nock';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckRunWriter, type ClusterReport } from '../../src/reports/check-runs.ts';
import { handleReport, type ReportHandlerDeps } from '../../src/reports/handle-report.ts';
import { ReplayGuard } from '../../src/reports/replay-guard.ts';
import { createReportMetrics } from '../../src/reports/report-metrics.ts';
import { checkRun, NOW, NOW_S, report, reportObject, SECRET, signed, testOctokit } from './report-fixtures.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const NAME = 'courier/dev/cloud-dev';

let registry: Registry;
let applied: ClusterReport[];

beforeEach(() => {
  nock.disableNetConnect();
  registry = new Registry();
  applied = [];
});
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
  nock.enableNetConnect();
});

function deps(over: Partial<ReportHandlerDeps> = {}): ReportHandlerDeps {
  return {
    clusterSecrets: new Map([['cloud-dev', SECRET], ['cloud-prod', 'cloud-prod-secret-0123456789']]),
    repositoryConfig: async (owner, repo) =>
      owner === 'acme' && repo === 'fleet'
        ? { environments: [{ name: 'dev', clusters: ['cloud-dev'] }, { name: 'prod', clusters: ['cloud-prod'] }] }
        : owner === 'acme' && repo === 'other'
          ? { environments: [{ name: 'dev', clusters: ['munich-dev'] }] }
          : undefined,
    writer: { apply: async (r) => void applied.push(r) },
    metrics: createReportMetrics(registry),
    replay: new ReplayGuard(300),
    now: () => NOW,
    ...over,
  };
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  return m?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value ?? 0;
}

describe('handleReport: authentication', () => {
  const good = report([reportObject('apps', 'success', A)]);

  it('accepts a correctly signed report and hands its objects to the writer', async () => {
    const { raw, headers } = signed(good);
    expect(await handleReport(raw, headers, deps())).toEqual({ status: 202, body: { accepted: 1, ignored: 0 } });
    expect(applied).toEqual([{ owner: 'acme', repo: 'fleet', environment: 'dev', cluster: 'cloud-dev', objects: good.objects }]);
    expect(await metric('courier_reports_total', { result: 'accepted' })).toBe(1);
  });

  it.each([
    ['a bad signature', () => signed(good, { secret: 'wrong-secret-0123456789' })],
    ['an unknown cluster', () => signed(report(good.objects, 'stranger'), { cluster: 'stranger' })],
    ['a stale timestamp', () => signed(good, { at: NOW_S - 301 })],
    ['a timestamp from the future', () => signed(good, { at: NOW_S + 301 })],
    ['another cluster in the body', () => signed(report(good.objects, 'cloud-prod'))],
    ['a body changed after signing', () => ({ ...signed(good), raw: Buffer.from(JSON.stringify(report([reportObject('apps', 'failure', A)]))) })],
    ['no signature headers', () => ({ raw: Buffer.from(JSON.stringify(good)), headers: {} })],
    ['a non-numeric timestamp', () => {
      const s = signed(good);
      return { ...s, headers: { ...s.headers, 'x-courier-timestamp': '1e9' } };
    }],
  ])('rejects %s with 401 and writes nothing', async (_t, make) => {
    const { raw, headers } = make();
    expect(await handleReport(raw, headers, deps())).toEqual({ status: 401, body: { error: 'unauthorized' } });
    expect(applied).toEqual([]);
    expect(await metric('courier_reports_total', { result: 'unauthorized' })).toBe(1);
  });

  it('accepts the edge of the window and rejects a replay within it', async () => {
    const d = deps();
    const { raw, headers } = signed(good, { at: NOW_S - 300 });
    expect((await handleReport(raw, headers, d)).status).toBe(202);
    expect((await handleReport(raw, headers, d)).status).toBe(401);
    expect(applied).toHaveLength(1);
  });

  it('answers 503 when GitHub fails, and takes the same signed retry', async () => {
    let fail = true;
    const d = deps({ writer: { apply: async (r) => { if (fail) throw new Error('GitHub 502'); applied.push(r); } } });
    const { raw, headers } = signed(good);
    expect((await handleReport(raw, headers, d)).status).toBe(503);
    fail = false;
    expect((await handleReport(raw, headers, d)).status).toBe(202);
  });
});

describe('handleReport: shape and scope', () => {
  it.each([
    ['not JSON', '{"version": 1,', /not valid JSON/],
    ['an unknown version', report([]) && { ...report([]), version: 2 }, /documented shape/],
    ['an object with a bad state', report([{ ...reportObject('apps', 'success', A), state: 'done' as never }]), /documented shape/],
  ])('rejects %s with 400', async (_t, body, error) => {
    const { raw, headers } = signed(body);
    const res = await handleReport(raw, headers, deps());
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(error);
    expect(applied).toEqual([]);
  });

  it('names the fields that are wrong', async () => {
    const { raw, headers } = signed({ ...report([]), objects: [{ kind: 'Kustomization' }] });
    const res = await handleReport(raw, headers, deps());
    expect(res.body.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^objects\.0\.name: /)]));
  });

  it('ignores and counts objects from other hosts, unserved repositories and unregistered clusters', async () => {
    const gitlab = reportObject('gl', 'success', A, { source: { url: 'https://gitlab.com/acme/fleet', host: 'gitlab.com', owner: 'acme', repo: 'fleet' } });
    const unserved = reportObject('un', 'success', A, { source: { url: 'https://github.com/acme/unknown', host: 'github.com', owner: 'acme', repo: 'unknown' } });
    const other = reportObject('ot', 'success', A, { source: { url: 'https://github.com/acme/other', host: 'github.com', owner: 'acme', repo: 'other' } });
    const { raw, headers } = signed(report([gitlab, unserved, other, reportObject('apps', 'success', A)]));
    expect(await handleReport(raw, headers, deps())).toEqual({ status: 202, body: { accepted: 1, ignored: 3 } });
    expect(applied.map((r) => r.objects.map((o) => o.name))).toEqual([['apps']]);
    expect(await metric('courier_report_objects_ignored_total', { reason: 'not_github' })).toBe(1);
    expect(await metric('courier_report_objects_ignored_total', { reason: 'repository_not_served' })).toBe(1);
    expect(await metric('courier_report_objects_ignored_total', { reason: 'cluster_not_registered' })).toBe(1);
  });

  it.each([
    ['https://ghe.example.com:8443/acme/fleet', 'ghe.example.com:8443', true],
    ['https://ghe.example.com/acme/fleet', 'ghe.example.com', false],
    ['ssh://git@ghe.example.com:2222/acme/fleet', 'ghe.example.com:2222', true],
    ['git@ghe.example.com:acme/fleet.git', 'ghe.example.com', true],
    ['https://github.com/acme/fleet', 'github.com', false],
  ])('with GHE_HOST=ghe.example.com:8443, %s is served: %s', async (url, host, served) => {
    const { raw, headers } = signed(report([reportObject('apps', 'success', A, { source: { url, host, owner: 'acme', repo: 'fleet' } })]));
    const res = await handleReport(raw, headers, deps({ gheHost: 'ghe.example.com:8443' }));
    expect(res.body).toEqual({ accepted: served ? 1 : 0, ignored: served ? 0 : 1 });
  });
});

describe('handleReport with the check-run writer and GitHub', () => {
  it('creates the run on the first report and patches it as the state moves on', async () => {
    const writer = new CheckRunWriter({ clientFor: async () => fromOctokit(testOctokit()), now: () => NOW });
    const d = deps({ writer });
    const api = nock('https://api.github.com')
      .get(`/repos/acme/fleet/commits/${B}`)
      .reply(200, { sha: B, commit: { committer: { name: 'dev', email: 'dev@acme.test', date: '2026-01-01T11:55:00Z' }, message: 'bump' } })
      .get(`/repos/acme/fleet/commits/${B}/check-runs`)
      .query({ check_name: NAME, filter: 'latest', per_page: '20' })
      .reply(200, { total_count: 0, check_runs: [] })
      .post('/repos/acme/fleet/check-runs', (body) => {
        expect(body).toMatchObject({ name: NAME, head_sha: B, status: 'in_progress', external_id: 'dev/cloud-dev', started_at: NOW.toISOString() });
        expect(body.conclusion).toBeUndefined();
        expect(body.output.title).toBe('cloud-dev: applying (0/1 ready)');
        return true;
      })
      .reply(201, checkRun(7, B, NAME, 'in_progress'))
      .patch('/repos/acme/fleet/check-runs/7', (body) => {
        expect(body).toMatchObject({ status: 'completed', conclusion: 'success', completed_at: NOW.toISOString() });
        expect(body.output.summary).toContain('| Kustomization flux-system/apps | ✅ success | ReconciliationSucceeded |  | 3m 0s |');
        return true;
      })
      .reply(200, checkRun(7, B, NAME, 'completed', 'success'));

    const progress = reportObject('apps', 'in_progress', B, { reason: 'Progressing' });
    const first = signed(report([progress]));
    expect((await handleReport(first.raw, first.headers, d)).status).toBe(202);
    // The same state again (a full report, newly signed) costs no API call.
    const again = signed(report([progress]), { at: NOW_S - 1 });
    expect((await handleReport(again.raw, again.headers, d)).status).toBe(202);
    expect(writer.stats.unchanged).toBe(1);
    const done = reportObject('apps', 'success', B, { reason: 'ReconciliationSucceeded', lastTransitionTime: '2026-01-01T11:58:00Z' });
    const second = signed(report([done]));
    expect((await handleReport(second.raw, second.headers, d)).status).toBe(202);
    expect(api.isDone()).toBe(true);
  });
});
