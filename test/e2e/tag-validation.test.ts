/**
 * Tags are validated the same way on every channel (issue 13, point 6): a tag no registry could hold
 * opens no PR, whichever way it arrives, even under an `alphabetical` policy that would rank it first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FLEET_CONFIG, INSTALLATION, startFleetStack, type FleetStack } from '../support/fleet-stack.ts';
import { DISTRIBUTION_TOKEN } from '../support/courier-stack.ts';
import { courierImageDispatch, releasePublished } from '../support/payloads.ts';

const GARBAGE = 'zzz" securityContext: {privileged: true}';
const CONFIG = `${FLEET_CONFIG}images:\n  - repository: ghcr.io/acme/webapp\n    policy:\n      alphabetical: {}\n    source:\n      repository: acme/webapp-src\n`;

let stack: FleetStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('an invalid tag', () => {
  it('opens no PR through registry_package, release.published, repository_dispatch or a registry notification; a valid one still does', async () => {
    stack = await startFleetStack({ config: CONFIG });
    const { courier } = stack;
    expect(await stack.publish(GARBAGE, 'pkg-garbage')).toBe(200);
    expect(await courier.webhook('release', releasePublished('acme', 'webapp-src', GARBAGE, INSTALLATION), 'rel-garbage')).toBe(200);
    expect(await courier.webhook('repository_dispatch', courierImageDispatch({ image: 'ghcr.io/acme/webapp', tag: GARBAGE }, INSTALLATION), 'dispatch-garbage')).toBe(200);
    const notification = { events: [{ id: 'e1', timestamp: '2026-01-01T00:00:00Z', action: 'push', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'a'.repeat(64)}`, repository: 'acme/webapp', url: 'https://ghcr.io/v2/acme/webapp/manifests/x', tag: GARBAGE }, request: { host: 'ghcr.io' } }] };
    await courier.post('/api/courier/registry/distribution', JSON.stringify(notification), {
      'content-type': 'application/vnd.docker.distribution.events.v1+json',
      authorization: `Bearer ${DISTRIBUTION_TOKEN}`,
    });
    await courier.courier.batcher.drain();
    const { model } = stack.fake.repo('acme', 'fleet');
    expect(model.prs).toEqual([]);

    // The same channel with a valid tag: the test can fail for the right reason only if this one opens a PR.
    expect(await courier.webhook('release', releasePublished('acme', 'webapp-src', 'zzz-1', INSTALLATION), 'rel-valid')).toBe(200);
    await courier.courier.batcher.drain();
    expect(model.prs.map((p) => p.title)).toEqual([expect.stringContaining('zzz-1')]);
  });
});
