/**
 * Faults through the real wiring (issue 13, points 4 and 5): GitHub answering 5xx, an answer lost after
 * GitHub applied a mutation, a crash between writing a PR and decorating it. The fake GitHub injects
 * them (`FakeGitHubServer.faults`); the PR must end complete — branch, commit, labels — every time.
 */
import { afterEach, describe, expect, it } from 'vitest';
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
