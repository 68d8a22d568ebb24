import { describe, expect, it } from 'vitest';
import { RepositoryNotFound } from '../../src/registry/errors.ts';
import { getManifestInfo } from '../../src/registry/oci-client.ts';
import { FAST_RETRY, type FakeRegistry, useFakeRegistry } from './fake-registry.ts';

const fast = FAST_RETRY;
const start = useFakeRegistry();

describe('getManifestInfo', () => {
  const INDEX = 'application/vnd.oci.image.index.v1+json';
  const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

  function image(r: FakeRegistry, labels: Record<string, string>) {
    const config = r.putBlob('acme/app', Buffer.from(JSON.stringify({ config: { Labels: labels } })));
    return r.putManifest('acme/app', undefined, { schemaVersion: 2, mediaType: MANIFEST, config: { digest: config }, layers: [] }, MANIFEST);
  }

  it('reads digest and source labels of an index through its first real platform', async () => {
    const r = await start({ auth: {} });
    const attestation = image(r, {});
    const amd64 = image(r, {
      'org.opencontainers.image.source': 'https://github.com/acme/app',
      'org.opencontainers.image.revision': '0123abc',
    });
    const index = r.putManifest(
      'acme/app',
      '1.2.0',
      {
        schemaVersion: 2,
        mediaType: INDEX,
        manifests: [
          { digest: attestation, platform: { os: 'unknown', architecture: 'unknown' } },
          { digest: amd64, platform: { os: 'linux', architecture: 'amd64' } },
        ],
      },
      INDEX,
    );
    const info = await getManifestInfo(`${r.host}/acme/app`, '1.2.0', fast);
    expect(info).toEqual({
      digest: index,
      mediaType: INDEX,
      labels: {
        'org.opencontainers.image.source': 'https://github.com/acme/app',
        'org.opencontainers.image.revision': '0123abc',
      },
      source: { url: 'https://github.com/acme/app', revision: '0123abc' },
    });
    expect(r.requests.filter((q) => q.path.startsWith('/v2/')).map((q) => q.path)).toEqual([
      '/v2/acme/app/manifests/1.2.0',
      '/v2/acme/app/manifests/1.2.0',
      `/v2/acme/app/manifests/${amd64}`,
      expect.stringMatching(/^\/v2\/acme\/app\/blobs\/sha256:/),
    ]);
  });

  it('uses one HEAD when labels are not wanted', async () => {
    const r = await start({});
    const digest = r.putManifest('acme/app', '1.0.0', { schemaVersion: 2, mediaType: MANIFEST, config: {}, layers: [] }, MANIFEST);
    expect(await getManifestInfo(`${r.host}/acme/app`, '1.0.0', { ...fast, labels: false })).toEqual({ digest, mediaType: MANIFEST });
    expect(r.requests).toEqual([{ method: 'HEAD', path: '/v2/acme/app/manifests/1.0.0' }]);
  });

  it('keeps the digest when the config cannot be read, and names a missing tag', async () => {
    const r = await start({});
    const digest = r.putManifest(
      'acme/app',
      '1.0.0',
      { schemaVersion: 2, mediaType: MANIFEST, config: { digest: `sha256:${'0'.repeat(64)}` }, layers: [] },
      MANIFEST,
    );
    const info = await getManifestInfo(`${r.host}/acme/app`, '1.0.0', fast);
    expect(info.digest).toBe(digest);
    expect(info.source).toBeUndefined();
    expect(info.labelsError).toContain('BLOB_UNKNOWN');

    const err = await getManifestInfo(`${r.host}/acme/app`, '9.9.9', fast).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepositoryNotFound);
    expect(err).toMatchObject({ tag: '9.9.9' });
    expect((err as Error).message).toContain('MANIFEST_UNKNOWN');
  });
});

describe('getManifestInfo against a registry that streams too much', () => {
  it('stops reading a manifest without a length at the 4 MiB limit instead of buffering it all', async () => {
    let sent = 0;
    const chunk = new Uint8Array(256 * 1024).fill(32);
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.byteLength;
        controller.enqueue(chunk);
        if (sent > 64 * 1024 * 1024) controller.close();
      },
    });
    const fetch = async () =>
      new Response(endless, { status: 200, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': `sha256:${'d'.repeat(64)}` } });
    await expect(getManifestInfo('localhost:5999/acme/app', '1.0.0', { fetch, retry: { retries: 0 } })).rejects.toThrow(/exceeds 4194304 bytes/);
    expect(sent).toBeLessThan(8 * 1024 * 1024);
  });
});
