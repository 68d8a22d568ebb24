/**
 * Fills what a release event left out — the digest, and the source repository and revision from the
 * image's OCI labels (`org.opencontainers.image.source`, `.revision`) — so PR bodies can link the
 * release's changes. Best effort: a registry that cannot be reached leaves the release as it was.
 */
import type { Release } from '../core/image-update/release.ts';
import type { RegistryClient } from '../registry/oci-client.ts';

/** Returns a function that completes a release from its registry, never failing. */
export function releaseDetails(client: Pick<RegistryClient, 'getManifestInfo'>, log: { info(obj: object, msg: string): void }) {
  return async (release: Release): Promise<Release> => {
    if (release.digest && release.source?.url) return release;
    try {
      const info = await client.getManifestInfo(release.repository, release.tag, { labels: !release.source?.url });
      const source = { ...info.source, ...release.source };
      return { ...release, digest: release.digest ?? info.digest, ...(Object.keys(source).length > 0 ? { source } : {}) };
    } catch (err) {
      log.info({ image: `${release.repository}:${release.tag}`, reason: (err as Error).message }, 'release details unavailable; continuing without them');
      return release;
    }
  };
}
