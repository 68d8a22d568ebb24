/**
 * `registry_package.published` and `package.published` → releases. Both events carry the same package
 * object (under `registry_package` or `package`); only container images matter to Courier.
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#registry_package
 */
import { tryParseImageRef } from '../core/image-update/image-ref.ts';
import type { Release } from '../core/image-update/release.ts';
import { ignored, type Normalised } from './normalised.ts';

interface PackageVersionLike {
  version?: string;
  name?: string;
  package_url?: string;
  container_metadata?: {
    tag?: { name?: string; digest?: string };
    manifest?: { digest?: string } | null;
    labels?: { source?: string; revision?: string } | null;
  } | null;
}
interface PackageLike {
  name: string;
  namespace?: string | null;
  ecosystem?: string | null;
  package_type?: string | null;
  owner?: { login?: string } | null;
  package_version?: PackageVersionLike | null;
  registry?: { url?: string } | null;
}

const CONTAINER_TYPES = new Set(['container', 'docker']);
const SHA256 = /^sha256:[a-f0-9]{64}$/;

/** Releases of a `registry_package`/`package` payload: one per tag of a published container version. */
export function releasesFromPackageEvent(payload: { registry_package?: PackageLike; package?: PackageLike }): Normalised {
  const pkg = payload.registry_package ?? payload.package;
  if (!pkg) return ignored('payload has no package');
  // package_type is the documented discriminator; ecosystem only when it is absent.
  const type = (pkg.package_type ?? pkg.ecosystem ?? '').toLowerCase();
  if (!CONTAINER_TYPES.has(type)) {
    return ignored(`package ${pkg.name} is a ${pkg.package_type ?? pkg.ecosystem} package, not a container image`);
  }
  const version = pkg.package_version;
  if (!version) return ignored(`package ${pkg.name} has no version`);
  const meta = version.container_metadata ?? undefined;
  const tag = meta?.tag?.name ?? '';
  if (tag === '') return ignored(`container ${pkg.name} was published without a tag (digest-only push)`);

  const repository = imageRepository(pkg, version);
  if (!repository) return ignored(`cannot tell the image name of container package ${pkg.name}`);
  const digest = [meta?.tag?.digest, meta?.manifest?.digest, version.version, version.name].find(
    (d): d is string => typeof d === 'string' && SHA256.test(d),
  );
  const release: Release = { repository, tag };
  if (digest) release.digest = digest;
  const source: NonNullable<Release['source']> = {};
  if (meta?.labels?.source) source.url = meta.labels.source;
  if (meta?.labels?.revision) source.revision = meta.labels.revision;
  if (Object.keys(source).length > 0) release.source = source;
  return { releases: [release] };
}

/**
 * The canonical image repository: from `package_url` (`ghcr.io/owner/name:tag`) when present, else
 * the registry host with namespace/name. Registry paths are lowercase, GitHub logins need not be.
 */
function imageRepository(pkg: PackageLike, version: PackageVersionLike): string | undefined {
  const fromUrl = version.package_url?.replace(/:[^/:]*$/, '').toLowerCase();
  const parsedUrl = fromUrl ? tryParseImageRef(fromUrl) : undefined;
  if (parsedUrl && parsedUrl.domain !== 'docker.io') return parsedUrl.repository;
  const host = pkg.registry?.url ? new URL(pkg.registry.url).host : 'ghcr.io';
  const namespace = pkg.namespace ?? pkg.owner?.login;
  if (!namespace) return undefined;
  return tryParseImageRef(`${host}/${namespace}/${pkg.name}`.toLowerCase())?.repository;
}
