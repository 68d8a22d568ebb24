/**
 * Keeps only the fields interpretation reads, so 2,000 cached objects cost little memory
 * (managedFields, inventories and last-applied annotations can be many kilobytes each).
 */
import type { FluxObject } from '../core/reconcile/flux-object.ts';

const OCI_ANNOTATIONS = ['org.opencontainers.image.source', 'org.opencontainers.image.revision'];
const KUSTOMIZE_LABELS = ['kustomize.toolkit.fluxcd.io/name', 'kustomize.toolkit.fluxcd.io/namespace'];

/** A copy of a raw API object reduced to what `interpretObject` needs; undefined if it has no name. */
export function slimObject(raw: unknown, kind: string, apiVersion: string): FluxObject | undefined {
  const o = raw as Record<string, any> | null;
  const name = o?.metadata?.name;
  if (typeof name !== 'string') return undefined;
  const md = o!.metadata;
  const labels = pick(md.labels, KUSTOMIZE_LABELS);
  const spec = o!.spec ?? {};
  const status = o!.status;
  const slim: FluxObject = {
    apiVersion: typeof o!.apiVersion === 'string' ? o!.apiVersion : apiVersion,
    kind,
    metadata: { name, namespace: md.namespace, generation: md.generation, resourceVersion: md.resourceVersion, ...(labels ? { labels } : {}) },
    spec: {
      url: spec.url,
      suspend: spec.suspend,
      sourceRef: spec.sourceRef,
      chartRef: spec.chartRef,
      chart: spec.chart?.spec?.sourceRef ? { spec: { sourceRef: spec.chart.spec.sourceRef } } : undefined,
    },
  };
  if (status && typeof status === 'object') {
    const history = Array.isArray(status.history) && status.history[0] ? [{ chartVersion: status.history[0].chartVersion }] : undefined;
    const artifact = status.artifact
      ? { revision: status.artifact.revision, metadata: pick(status.artifact.metadata, OCI_ANNOTATIONS) }
      : undefined;
    slim.status = {
      observedGeneration: status.observedGeneration,
      conditions: Array.isArray(status.conditions)
        ? status.conditions.map((c: any) => ({ type: c?.type, status: c?.status, reason: c?.reason, message: c?.message, lastTransitionTime: c?.lastTransitionTime }))
        : undefined,
      lastAppliedRevision: status.lastAppliedRevision,
      lastAttemptedRevision: status.lastAttemptedRevision,
      lastAppliedOriginRevision: status.lastAppliedOriginRevision,
      history,
      artifact,
    };
  }
  return slim;
}

function pick(map: unknown, keys: string[]): Record<string, string> | undefined {
  if (!map || typeof map !== 'object') return undefined;
  let out: Record<string, string> | undefined;
  for (const k of keys) {
    const v = (map as Record<string, unknown>)[k];
    if (typeof v === 'string') (out ??= {})[k] = v;
  }
  return out;
}
