/**
 * The reporter's in-memory view of the watched Flux objects, and which report entries a change
 * affects: a source change re-interprets the Kustomizations and HelmReleases that use it, a
 * Kustomization change the HelmReleases it applied.
 */
import { field, str, type FluxObject } from '../core/reconcile/flux-object.ts';
import { interpretObject } from '../core/reconcile/interpret.ts';
import type { ReportObject } from '../core/reconcile/report.ts';
import type { Logger } from './logger.ts';

/** Receives a fresh interpretation per affected object (undefined: not reportable). */
export type InterpretationSink = (key: string, object: ReportObject | undefined) => void;

/** Watched objects by `Kind/namespace/name`, with a reverse index of who depends on whom. */
export class FluxStore {
  private readonly objects = new Map<string, FluxObject>();
  private readonly dependsOn = new Map<string, string[]>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly skipped = new Map<string, string>();

  constructor(
    private readonly sink: InterpretationSink,
    private readonly log: Logger,
  ) {}

  /** Number of objects held. */
  get size(): number {
    return this.objects.size;
  }

  /** Adds or replaces an object and re-interprets what it affects. */
  upsert(obj: FluxObject): void {
    const key = keyOf(obj.kind, obj.metadata.namespace ?? '', obj.metadata.name);
    this.objects.set(key, obj);
    this.index(key, dependenciesOf(obj));
    this.refresh(key);
  }

  /** Removes an object and re-interprets what it affected. */
  remove(kind: string, namespace: string, name: string): void {
    const key = keyOf(kind, namespace, name);
    if (!this.objects.delete(key)) return;
    this.index(key, []);
    this.skipped.delete(key);
    this.sink(key, undefined);
    this.refresh(key);
  }

  private readonly lookup = (kind: string, namespace: string, name: string) => this.objects.get(keyOf(kind, namespace, name));

  private refresh(key: string, seen = new Set<string>()): void {
    if (seen.has(key)) return;
    seen.add(key);
    const obj = this.objects.get(key);
    if (obj && (obj.kind === 'Kustomization' || obj.kind === 'HelmRelease')) {
      const result = interpretObject(obj, this.lookup);
      if (result.object) this.skipped.delete(key);
      else if (this.skipped.get(key) !== result.reason) {
        this.skipped.set(key, result.reason);
        this.log.debug('not reported', { object: key, reason: result.reason });
      }
      this.sink(key, result.object);
    }
    for (const dependent of this.dependents.get(key) ?? []) this.refresh(dependent, seen);
  }

  private index(key: string, deps: string[]): void {
    for (const old of this.dependsOn.get(key) ?? []) {
      const set = this.dependents.get(old);
      set?.delete(key);
      if (set?.size === 0) this.dependents.delete(old);
    }
    if (deps.length === 0) this.dependsOn.delete(key);
    else this.dependsOn.set(key, deps);
    for (const dep of deps) {
      let set = this.dependents.get(dep);
      if (!set) this.dependents.set(dep, (set = new Set()));
      set.add(key);
    }
  }
}

function keyOf(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

/** The keys of the objects an object's interpretation reads. */
function dependenciesOf(obj: FluxObject): string[] {
  const ns = obj.metadata.namespace ?? '';
  const ref = (r: unknown): string | undefined => {
    const kind = str(r, 'kind');
    const name = str(r, 'name');
    return kind && name ? keyOf(kind, str(r, 'namespace') ?? ns, name) : undefined;
  };
  const deps: Array<string | undefined> = [];
  if (obj.kind === 'Kustomization') deps.push(ref(field(obj.spec, 'sourceRef')));
  if (obj.kind === 'HelmRelease') {
    const labels = obj.metadata.labels ?? {};
    const ksName = labels['kustomize.toolkit.fluxcd.io/name'];
    const ksNs = labels['kustomize.toolkit.fluxcd.io/namespace'];
    if (ksName && ksNs) deps.push(keyOf('Kustomization', ksNs, ksName));
    deps.push(ref(field(obj.spec, 'chartRef')), ref(field(obj.spec, 'chart', 'spec', 'sourceRef')));
  }
  return deps.filter((d): d is string => d !== undefined);
}
