/**
 * Test helper: pushes a tiny OCI image to a distribution registry with plain HTTP calls
 * (monolithic blob uploads, then a manifest PUT by tag), as the distribution spec describes.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** What was pushed. */
export interface PushedImage {
  digest: string;
  configDigest: string;
}

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function uploadBlob(base: string, name: string, blob: Buffer): Promise<string> {
  const digest = sha256(blob);
  const start = await fetch(`${base}/v2/${name}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`blob upload start: ${start.status} ${await start.text()}`);
  const location = new URL(start.headers.get('location')!, base);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.length) },
    body: blob,
  });
  if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${await put.text()}`);
  return digest;
}

/** Pushes a one-layer image whose config carries `labels`, tagged `tag`; returns its manifest digest. */
export async function pushImage(
  base: string,
  name: string,
  tag: string,
  labels: Record<string, string> = {},
): Promise<PushedImage> {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: labels },
      rootfs: { type: 'layers', diff_ids: [] },
    }),
  );
  const layer = gzipSync(Buffer.from(`courier test layer for ${tag}\n`));
  const configDigest = await uploadBlob(base, name, config);
  const layerDigest = await uploadBlob(base, name, layer);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
    }),
  );
  const put = await fetch(`${base}/v2/${name}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    body: manifest,
  });
  if (put.status !== 201) throw new Error(`manifest put: ${put.status} ${await put.text()}`);
  const digest = put.headers.get('docker-content-digest') ?? sha256(manifest);
  return { digest, configDigest };
}
