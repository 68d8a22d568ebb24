/**
 * One image × environment has one open Courier PR at any time, whatever the batching (issue 13,
 * points 2 and 3), through the real wiring: a group PR takes over a single-image PR (whose branch is
 * deleted), later single releases land on the group PR, and older or replayed releases change nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseMetadata } from '../../src/core/proposal/names.ts';
import { imagesOf } from '../../src/core/image-update/image-supersede-rule.ts';
import { startFleetStack, WEBAPP_BRANCH, type FleetStack } from '../support/fleet-stack.ts';
import { DISTRIBUTION_TOKEN } from '../support/courier-stack.ts';

let stack: FleetStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const GROUP_BRANCH = 'courier/image/dev/images-webapp-webapp-migrations';

describe('one open PR per image and environment', () => {
  it('a group PR replaces the single-image PR and deletes its branch; later and older releases land on the group PR or change nothing', async () => {
    stack = await startFleetStack();
    const drain = () => stack!.courier.courier.batcher.drain();
    expect(await stack.publish('1.5.0', 'a-1')).toBe(200);
    await drain();
    const { model, store } = stack.fake.repo('acme', 'fleet');
    expect(model.prs.map((p) => p.head)).toEqual([WEBAPP_BRANCH]);

    // Both images in one batch (one registry notification announcing both): the new group PR closes #1,
    // and #1's branch goes with it.
    const pushed = (image: string, tag: string) => ({
      id: `${image}-${tag}`,
      timestamp: '2026-01-01T00:00:00Z',
      action: 'push',
      target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'b'.repeat(64)}`, repository: `acme/${image}`, url: `https://ghcr.io/v2/acme/${image}/manifests/${tag}`, tag },
      request: { host: 'ghcr.io' },
    });
    const notification = JSON.stringify({ events: [pushed('webapp', '1.6.0'), pushed('webapp-migrations', '1.6.0')] });
    const accepted = await stack.courier.post('/api/courier/registry/distribution', notification, {
      'content-type': 'application/vnd.docker.distribution.events.v1+json',
      authorization: `Bearer ${DISTRIBUTION_TOKEN}`,
    });
    expect(accepted.status).toBe(202);
    await drain();
    expect(model.prs.map((p) => [p.head, p.open])).toEqual([[WEBAPP_BRANCH, false], [GROUP_BRANCH, true]]);
    expect(await store.ref(WEBAPP_BRANCH)).toBeUndefined();

    // A later release of one of its images updates the group PR instead of opening a second PR.
    expect(await stack.publish('1.7.0', 'c-1')).toBe(200);
    await drain();
    expect(model.prs.filter((p) => p.open).map((p) => p.head)).toEqual([GROUP_BRANCH]);
    expect(model.prs).toHaveLength(2);
    const tags = () => imagesOf(parseMetadata(model.prs[1]!.body)).map((i) => `${i.repository}:${i.tag}`).sort();
    expect(tags()).toEqual(['ghcr.io/acme/webapp-migrations:1.6.0', 'ghcr.io/acme/webapp:1.7.0']);

    // An older release, and a replay of 1.6.0 under a new delivery id: nothing is written.
    const bodyBefore = model.prs[1]!.body;
    const since = performance.now();
    expect(await stack.publish('1.5.5', 'late-1')).toBe(200);
    expect(await stack.publish('1.6.0', 'replay-b-1')).toBe(200);
    await drain();
    expect(model.prs[1]!.body).toBe(bodyBefore);
    expect(stack.fake.counts(since)).toMatchObject({ mutating: 0 });
    expect(tags()).toEqual(['ghcr.io/acme/webapp-migrations:1.6.0', 'ghcr.io/acme/webapp:1.7.0']);
    expect(await store.ref(WEBAPP_BRANCH)).toBeUndefined();
  });
});
