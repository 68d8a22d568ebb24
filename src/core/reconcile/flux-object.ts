/**
 * The loosely typed Flux objects the reporter watches, and safe accessors: cluster data is
 * untrusted, so every field is read defensively and never assumed present.
 */

/** A Kubernetes object as received from the API (only the parts Courier reads). */
export interface FluxObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    generation?: number;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: unknown;
  status?: unknown;
}

/** A kstatus condition (`status.conditions[]`). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** Finds another watched object; the reporter passes its in-memory store. */
export type ObjectLookup = (kind: string, namespace: string, name: string) => FluxObject | undefined;

/** Reads a nested field, or undefined when any step is missing or not an object. */
export function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A nested string field, or undefined. */
export function str(value: unknown, ...path: string[]): string | undefined {
  const found = field(value, ...path);
  return typeof found === 'string' && found !== '' ? found : undefined;
}

/** A nested number field, or undefined. */
export function num(value: unknown, ...path: string[]): number | undefined {
  const found = field(value, ...path);
  return typeof found === 'number' && Number.isFinite(found) ? found : undefined;
}

/** The object's well-formed conditions. */
export function conditionsOf(obj: FluxObject): Condition[] {
  const list = field(obj.status, 'conditions');
  if (!Array.isArray(list)) return [];
  return list.filter(
    (c): c is Condition =>
      c !== null &&
      typeof c === 'object' &&
      typeof (c as Condition).type === 'string' &&
      ['True', 'False', 'Unknown'].includes((c as Condition).status),
  );
}
