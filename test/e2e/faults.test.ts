/**
 * Faults through the real wiring (issue 13, points 4 and 5): GitHub answering 5xx, an answer lost after
 * GitHub applied a mutation, a crash between writing a PR and decorating it. The fake GitHub injects
 * them (`FakeGitHubServer.faults`); the PR must end complete — branch, commit, labels — every time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppDeps } from '../../src/app-deps.ts';
import { createImageResync } from '../../src/jobs/image-resync.ts';
import { RegistryUnavailable } from '../../src/registry/errors.ts';
import { parseMetadata } from '../../src/core/proposal/names.ts';
import type { Fault } from '../support/fake-github-server.ts';
import { DEV_OVERLAY, FLEET_CONFIG, startFleetStack, WEBAPP_BRANCH, type FleetStack } from '../support/fleet-stack.ts';

let stack: FleetStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** Breaks the `nth` request (1-based) whose route is `route` with `fault`; counts how often it struck. */
function breakNth(route: string, fault: Fault, nth = 1) {
  let seen = 0;
  const struck = { count: 0 };
  return {
    struck,
    injector: (request: { route: string }) => {
      if (request.route !== route) return undefined;
      seen++;
      if (seen !== nth) return undefined;
      struck.count++;
      return fault;
    },
  };
}

const AUTO_MERGE_CONFIG = FLEET_CONFIG.replace('clusters: [cloud-dev, munich-dev]', 'clusters: [cloud-dev, munich-dev]\n    autoMerge: true');

describe('GitHub failing', () => {
  it('a 502 on the write and a secondary rate limit on the state read are retried with backoff: one PR, complete', async () => {
    stack = await startFleetStack({ config: AUTO_MERGE_CONFIG });
    const write = breakNth('POST /graphql CourierPublish', 'fail');
    const read = breakNth('POST /graphql CourierPublishState', 'secondary-rate-limit', 2);
    stack.fake.faults = (request) => write.injector(request) ?? read.injector(request);
    expect(await stack.publish('1.5.0', 'd-5xx')).toBe(200);
    await stack.courier.courier.batcher.drain();
    expect([write.struck.count, read.struck.count]).toEqual([1, 1]);
    const { model } = stack.fake.repo('acme', 'fleet');
    expect(model.prs).toHaveLength(1);
    expect(model.prs[0]).toMatchObject({ head: WEBAPP_BRANCH, open: true, labels: ['courier'], autoMerge: true });
  });
});

describe('a document GitHub applied in part', () => {
  it('branch and commit pushed, the PR refused as "submitted too quickly": the job waits and opens the PR on that branch', async () => {
    stack = await startFleetStack({ config: AUTO_MERGE_CONFIG, jobRetry: { minTimeout: 10, maxTimeout: 50, rateLimitWait: 200 } });
    const partial = breakNth('POST /graphql CourierPublish', 'too-quickly');
    stack.fake.faults = partial.injector;
    const { model, store } = stack.fake.repo('acme', 'fleet');
    const answers: Array<{ data?: Record<string, { commit?: { oid: string } } | null> }> = [];
    const graphql = model.graphql.bind(model);
    vi.spyOn(model, 'graphql').mockImplementation(async (...args) => {
      const answer = await graphql(...args);
      if (args[0].includes('mutation CourierPublish')) answers.push(answer as (typeof answers)[number]);
      return answer;
    });
    expect(await stack.publish('1.5.0', 'd-too-quickly')).toBe(200);
    await stack.courier.courier.batcher.drain();
    expect(partial.struck.count).toBe(1);
    // The first document pushed the commit; the PR stands on that very commit (the branch was kept, not rebuilt).
    const pushed = answers[0]?.data?.commit0?.commit?.oid;
    expect(pushed).toMatch(/^[0-9a-f]{40}$/);
    expect(await store.ref(WEBAPP_BRANCH)).toBe(pushed);
    expect(answers[1]?.data).not.toHaveProperty('commit0');
    expect(model.prs).toHaveLength(1);
    expect(model.prs[0]).toMatchObject({ head: WEBAPP_BRANCH, open: true, labels: ['courier'], autoMerge: true });
    expect(await store.readFile(WEBAPP_BRANCH, DEV_OVERLAY)).toContain('newTag: 1.5.0 #');
    // GitHub asks for a pause before the next content creation; the retry came after it, not at once.
    const writes = stack.fake.requests.filter((r) => r.route === 'POST /graphql CourierPublish');
    expect(writes).toHaveLength(2);
    expect(writes[1]!.at - writes[0]!.at).toBeGreaterThanOrEqual(200);
  });
});

describe('a lost answer', () => {
  it('after GitHub applied the create document: the retry finds the PR and still gives it its labels and auto-merge', async () => {
    stack = await startFleetStack({ config: AUTO_MERGE_CONFIG });
    const lost = breakNth('POST /graphql CourierPublish', 'lost');
    stack.fake.faults = lost.injector;
    expect(await stack.publish('1.5.0', 'd-lost')).toBe(200);
    await stack.courier.courier.batcher.drain();
    expect(lost.struck.count).toBe(1);
    const { model } = stack.fake.repo('acme', 'fleet');
    expect(model.prs).toHaveLength(1);
    expect(model.prs[0]).toMatchObject({ head: WEBAPP_BRANCH, open: true, labels: ['courier'], autoMerge: true });
  });

  it('of the decorate document: the next run does not add them again after a human removed the label', async () => {
    stack = await startFleetStack({ config: AUTO_MERGE_CONFIG });
    expect(await stack.publish('1.5.0', 'd-1')).toBe(200);
    await stack.courier.courier.batcher.drain();
    const { model } = stack.fake.repo('acme', 'fleet');
    expect(model.prs[0]).toMatchObject({ labels: ['courier'], autoMerge: true });
    // A human takes the PR out of auto-merge and removes the label; the same release comes again.
    model.prs[0]!.labels = [];
    model.prs[0]!.autoMerge = false;
    const since = performance.now();
    expect(await stack.publish('1.5.0', 'd-2')).toBe(200);
    await stack.courier.courier.batcher.drain();
    expect(model.prs[0]).toMatchObject({ labels: [], autoMerge: false });
    expect(stack.fake.counts(since).mutating).toBe(0);
  });
});

/** A registry that knows webapp up to 1.5.0, for the resync of a restarted Courier. */
const registryTags = async (repository: string): Promise<string[]> => {
  if (repository === 'ghcr.io/acme/webapp') return ['1.3.0', '1.4.0', '1.5.0', 'latest'];
  throw new RegistryUnavailable(`${repository}: 503 Service Unavailable`, repository);
};
const WITH_IMAGES = `${AUTO_MERGE_CONFIG}images:\n  - repository: ghcr.io/acme/webapp\n  - repository: ghcr.io/acme/webapp-migrations\n`;

function withRegistry(deps: AppDeps): AppDeps {
  return { ...deps, resync: createImageResync({ listTags: registryTags, runJob: deps.runJob, log: { warn: () => undefined, info: () => undefined }, now: deps.now }) };
}

describe('a crash', () => {
  it.each([
    ['before anything was written (the state read never answered)', 'POST /graphql CourierPublishState', 'hang'],
    ['after GitHub applied the create document, before labels and auto-merge', 'POST /graphql CourierPublish', 'crash'],
  ] as const)('%s: the restarted replica\'s resync completes the PR, though the image is not `poll: true`', async (_, route, fault) => {
    stack = await startFleetStack({ config: WITH_IMAGES, adjustDeps: withRegistry });
    const crash = breakNth(route, fault);
    stack.fake.faults = crash.injector;
    expect(await stack.publish('1.5.0', 'd-crash')).toBe(200);
    await vi.waitUntil(() => crash.struck.count === 1, { timeout: 5000, interval: 20 });
    await stack.restart();
    await stack.courier.courier.resync.runOnce();

    const { model, store } = stack.fake.repo('acme', 'fleet');
    expect(model.prs).toHaveLength(1);
    expect(model.prs[0]).toMatchObject({ head: WEBAPP_BRANCH, open: true, labels: ['courier'], autoMerge: true });
    expect(parseMetadata(model.prs[0]!.body)?.images).toEqual([expect.objectContaining({ repository: 'ghcr.io/acme/webapp', tag: '1.5.0' })]);
    expect(await store.readFile(WEBAPP_BRANCH, DEV_OVERLAY)).toContain('newTag: 1.5.0 #');
  });
});
