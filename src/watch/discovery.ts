/**
 * Which version of each Flux kind to watch: asks the API group discovery endpoint (`/apis/<group>`)
 * and takes the server's preferred version when the reporter understands it, else the newest served
 * one it understands. A group that is not served (HelmRelease without helm-controller) is left out.
 */
import { FLUX_KINDS, type FluxKind } from './flux-resources.ts';
import { KubeApiError } from './kube-connection.ts';

/** A kind at the version chosen for it, with the collection path to list and watch. */
export interface WatchedResource extends FluxKind {
  version: string;
  path: string;
}

/** GETs JSON from the API server. */
export type GetJson = (path: string) => Promise<unknown>;

/** Result of discovery: what to watch, and why anything is missing. */
export interface Discovery {
  resources: WatchedResource[];
  missing: string[];
}

/** Discovers served versions per Flux group and picks one version per kind. */
export async function discoverFluxResources(get: GetJson, kinds: readonly FluxKind[] = FLUX_KINDS): Promise<Discovery> {
  const groups = new Map<string, Promise<{ preferred?: string; served: string[] } | undefined>>();
  const resources: WatchedResource[] = [];
  const missing: string[] = [];
  for (const kind of kinds) {
    if (!groups.has(kind.group)) groups.set(kind.group, groupVersions(get, kind.group));
    const group = await groups.get(kind.group)!;
    if (!group) {
      missing.push(`${kind.kind}: API group ${kind.group} is not served`);
      continue;
    }
    const version =
      group.preferred && kind.versions.includes(group.preferred) ? group.preferred : kind.versions.find((v) => group.served.includes(v));
    if (!version) {
      missing.push(`${kind.kind}: none of ${kind.versions.join(', ')} served (server has ${group.served.join(', ') || 'none'})`);
      continue;
    }
    resources.push({ ...kind, version, path: `/apis/${kind.group}/${version}/${kind.plural}` });
  }
  return { resources, missing };
}

async function groupVersions(get: GetJson, group: string): Promise<{ preferred?: string; served: string[] } | undefined> {
  let doc: unknown;
  try {
    doc = await get(`/apis/${group}`);
  } catch (err) {
    if (err instanceof KubeApiError && err.statusCode === 404) return undefined;
    throw err;
  }
  const d = doc as { preferredVersion?: { version?: unknown }; versions?: Array<{ version?: unknown }> };
  const served = (Array.isArray(d.versions) ? d.versions : []).map((v) => v.version).filter((v): v is string => typeof v === 'string');
  const preferred = typeof d.preferredVersion?.version === 'string' ? d.preferredVersion.version : undefined;
  return preferred ? { preferred, served } : { served };
}
