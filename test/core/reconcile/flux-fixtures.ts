/** Builders for realistic Flux objects (shapes as kustomize-, helm- and source-controller write them). */
import type { Condition, FluxObject } from '../../../src/core/reconcile/flux-object.ts';

export const SHA_A = 'a1afe267b54f38b46b487f6e938a6fd508278c07';
export const SHA_B = 'b2bfe267b54f38b46b487f6e938a6fd508278c08';
export const DIGEST = 'sha256:' + '9'.repeat(64);
export const T0 = '2026-01-01T10:00:00Z';

/** A condition with Flux's usual fields. */
export function cond(type: string, status: Condition['status'], reason: string, message: string): Condition {
  return { type, status, reason, message, lastTransitionTime: T0, observedGeneration: 1 };
}

/** A GitRepository whose artifact is at `sha` on main. */
export function gitRepository(name: string, url: string, sha: string | undefined, apiVersion = 'source.toolkit.fluxcd.io/v1'): FluxObject {
  return {
    apiVersion,
    kind: 'GitRepository',
    metadata: { name, namespace: 'flux-system', generation: 1 },
    spec: { url, interval: '1m', ref: { branch: 'main' } },
    status: {
      observedGeneration: 1,
      conditions: [cond('Ready', 'True', 'Succeeded', `stored artifact for revision 'main@sha1:${sha}'`)],
      ...(sha ? { artifact: { revision: `main@sha1:${sha}`, digest: DIGEST, path: 'x', url: 'http://x', lastUpdateTime: T0 } } : {}),
    },
  };
}

/** An OCIRepository whose artifact was pushed with `flux push artifact --source --revision`. */
export function ociRepository(name: string, annotations: Record<string, string>): FluxObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1beta2',
    kind: 'OCIRepository',
    metadata: { name, namespace: 'flux-system', generation: 1 },
    spec: { url: 'oci://ghcr.io/acme/manifests', ref: { tag: 'latest' } },
    status: {
      observedGeneration: 1,
      conditions: [cond('Ready', 'True', 'Succeeded', 'stored artifact')],
      artifact: { revision: `latest@${DIGEST}`, digest: DIGEST, metadata: annotations },
    },
  };
}

/** A Kustomization with the given status fields and conditions. */
export function kustomization(
  name: string,
  status: Record<string, unknown> | undefined,
  opts: { source?: { kind: string; name: string }; generation?: number; apiVersion?: string } = {},
): FluxObject {
  return {
    apiVersion: opts.apiVersion ?? 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: 'flux-system', generation: opts.generation ?? 1 },
    spec: { interval: '10m', path: `./apps/${name}`, prune: true, sourceRef: opts.source ?? { kind: 'GitRepository', name: 'fleet' } },
    ...(status ? { status: { observedGeneration: 1, ...status } } : {}),
  };
}

/** A HelmRelease, optionally labelled as applied by a Kustomization. */
export function helmRelease(
  name: string,
  status: Record<string, unknown> | undefined,
  opts: { appliedBy?: string; spec?: Record<string, unknown>; apiVersion?: string } = {},
): FluxObject {
  return {
    apiVersion: opts.apiVersion ?? 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: {
      name,
      namespace: 'apps',
      generation: 1,
      ...(opts.appliedBy
        ? { labels: { 'kustomize.toolkit.fluxcd.io/name': opts.appliedBy, 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } }
        : {}),
    },
    spec: opts.spec ?? { chart: { spec: { chart: name, version: '6.x', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } } },
    ...(status ? { status: { observedGeneration: 1, ...status } } : {}),
  };
}

/** An in-memory lookup over a list of objects. */
export function lookupOf(objects: FluxObject[]) {
  return (kind: string, namespace: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name);
}
