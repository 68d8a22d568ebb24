/**
 * Bursts through the real wiring: 50 announcements delivered at once, several releases of one image in
 * one batch (issue 13, points 1 and 7).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseMetadata } from '../../src/core/proposal/names.ts';
import { DEV_OVERLAY, startFleetStack, WEBAPP_BRANCH, type FleetStack } from '../support/fleet-stack.ts';

let stack: FleetStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const CONFIG_READ = 'GET /repos/{owner}/{repo}/contents/{path}';

describe('50 concurrent announcements', () => {
  it('read the config once, open one PR at the newest release, and name that release in title, body and metadata', async () => {
    stack = await startFleetStack();
    // Out of order, as a burst arrives: 1.5.0 … 1.5.49 shuffled by a fixed permutation.
    const tags = Array.from({ length: 50 }, (_, i) => `1.5.${(i * 17) % 50}`);
    const statuses = await Promise.all(tags.map((tag, i) => stack!.publish(tag, `burst-${i}`)));
    expect(statuses).toEqual(Array(50).fill(200));
    await stack.courier.courier.batcher.drain();

    const counts = stack.fake.counts();
    expect(counts.byRoute[CONFIG_READ]).toBe(1);
    expect(counts.byRoute['GET /installation/repositories']).toBe(1);
    const { model, store } = stack.fake.repo('acme', 'fleet');
    expect(model.prs).toHaveLength(1);
    const pr = model.prs[0]!;
    expect(pr.title).toContain('1.5.49');
    expect(parseMetadata(pr.body)?.images).toEqual([expect.objectContaining({ repository: 'ghcr.io/acme/webapp', tag: '1.5.49' })]);
    expect(await store.readFile(WEBAPP_BRANCH, DEV_OVERLAY)).toContain('newTag: 1.5.49 #');
  });
});
