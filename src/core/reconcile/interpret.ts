/**
 * One Flux object (plus the sources it points at) → one report entry, or a reason why not.
 *
 * Which commit an object's state is about:
 * - Kustomization from a GitRepository: the commit in `lastAppliedRevision` when successful, in
 *   `lastAttemptedRevision` while working or failing, and the source's newer `status.artifact.revision`
 *   when that was fetched but not started (pending).
 * - Kustomization from an OCIRepository: OCI revisions are digests, so the commit comes from
 *   `status.lastAppliedOriginRevision`, or from the source artifact's `org.opencontainers.image.revision`
 *   annotation when the source still serves that digest (`flux push artifact --revision`); the Git
 *   repository from its `org.opencontainers.image.source` annotation.
 * - HelmRelease: its revisions are chart versions, which name no commit. What a fleet commit changes is
 *   the HelmRelease *spec*, applied by a Kustomization (kustomize-controller labels every object it applies
 *   with `kustomize.toolkit.fluxcd.io/{name,namespace}`); so the commit is that Kustomization's applied
 *   commit (the attempted one once it is being applied, see helmReleaseCommit) and the repository its
 *   source. Without those labels, a chart built from a GitRepository or
 *   OCIRepository (`spec.chart.spec.sourceRef`, `spec.chartRef`) gives the commit of that source's artifact.
 *   HelmReleases from plain Helm repositories and not applied by Flux are skipped.
 */
import { field, str, type FluxObject, type ObjectLookup } from './flux-object.ts';
import type { ReportObject } from './report.ts';
import { commitOf } from './revision.ts';
import { parseGitUrl, type SourceLocation } from './source-url.ts';
import { conditionState } from './state.ts';

/** The result of interpreting one object: an entry, or why there is none (for a debug log). */
export type Interpretation = { object: ReportObject; reason?: undefined } | { object?: undefined; reason: string };

const OCI_REVISION = 'org.opencontainers.image.revision';
const OCI_SOURCE = 'org.opencontainers.image.source';

/** A resolved source: where its Git repository is and which commit a given revision names. */
interface ResolvedSource {
  location: SourceLocation;
  /** Current artifact revision of the source object, if it has one. */
  artifactRevision?: string;
  commitOf(revision: string | undefined): string | undefined;
}

/** Interprets a Kustomization or HelmRelease; other kinds and unusable objects give a reason. */
export function interpretObject(obj: FluxObject, lookup: ObjectLookup): Interpretation {
  if (obj.kind === 'Kustomization') return interpretKustomization(obj, lookup);
  if (obj.kind === 'HelmRelease') return interpretHelmRelease(obj, lookup);
  return { reason: `${obj.kind} is not reported on its own` };
}

function interpretKustomization(ks: FluxObject, lookup: ObjectLookup): Interpretation {
  const source = resolveRef(ks, field(ks.spec, 'sourceRef'), lookup);
  if (typeof source === 'string') return { reason: source };
  if (!ks.status) return { reason: 'no status yet' };
  const applied = str(ks.status, 'lastAppliedRevision');
  const attempted = str(ks.status, 'lastAttemptedRevision');
  const fetched = source.artifactRevision;
  const newerWaiting = fetched !== undefined && fetched !== attempted && fetched !== applied;
  const cond = conditionState(ks, newerWaiting);
  if (!cond) return { reason: 'no Ready/Reconciling/Stalled condition' };
  const appliedSha =
    commitOf(str(ks.status, 'lastAppliedOriginRevision')) ?? source.commitOf(applied);
  let sha: string | undefined;
  if (cond.state === 'success') sha = appliedSha;
  else if (cond.state === 'pending' && newerWaiting) sha = source.commitOf(fetched);
  else sha = source.commitOf(attempted ?? applied) ?? (attempted === applied ? appliedSha : undefined);
  if (!sha) return { reason: `revision "${(cond.state === 'success' ? applied : attempted) ?? 'none'}" names no Git commit` };
  return { object: entry(ks, source.location, applied, newerWaiting ? fetched : attempted, sha, cond) };
}

function interpretHelmRelease(hr: FluxObject, lookup: ObjectLookup): Interpretation {
  if (!hr.status) return { reason: 'no status yet' };
  const cond = conditionState(hr, false);
  if (!cond) return { reason: 'no Ready/Reconciling/Stalled condition' };
  const history = field(hr.status, 'history');
  const applied =
    (Array.isArray(history) ? str(history[0], 'chartVersion') : undefined) ?? str(hr.status, 'lastAppliedRevision');
  const attempting = str(hr.status, 'lastAttemptedRevision');

  const labels = hr.metadata.labels ?? {};
  const ksName = labels['kustomize.toolkit.fluxcd.io/name'];
  const ksNamespace = labels['kustomize.toolkit.fluxcd.io/namespace'];
  if (ksName && ksNamespace) {
    const ks = lookup('Kustomization', ksNamespace, ksName);
    if (!ks) return { reason: `applying Kustomization ${ksNamespace}/${ksName} not seen yet` };
    const source = resolveRef(ks, field(ks.spec, 'sourceRef'), lookup);
    if (typeof source === 'string') return { reason: `applying Kustomization: ${source}` };
    const sha = helmReleaseCommit(ks, source);
    if (!sha) return { reason: `applying Kustomization ${ksNamespace}/${ksName} has applied no Git commit` };
    return { object: entry(hr, source.location, applied, attempting, sha, cond) };
  }
  const chartRef = field(hr.spec, 'chartRef') ?? field(hr.spec, 'chart', 'spec', 'sourceRef');
  const source = resolveRef(hr, chartRef, lookup);
  if (typeof source === 'string') return { reason: `chart source: ${source}` };
  const sha = source.commitOf(source.artifactRevision);
  if (!sha) return { reason: `chart source revision "${source.artifactRevision ?? 'none'}" names no Git commit` };
  return { object: entry(hr, source.location, applied, attempting, sha, cond) };
}

/**
 * The commit whose HelmRelease spec is in the cluster. kustomize-controller applies first and then
 * health-checks (HelmReleases included) before it records `lastAppliedRevision`; so while it is
 * applying or health-checking a new revision, or failed its health checks, the HelmRelease already
 * carries the attempted commit. Before that (pending, build or apply failure) it is the applied one.
 */
function helmReleaseCommit(ks: FluxObject, source: ResolvedSource): string | undefined {
  const applied = commitOf(str(ks.status, 'lastAppliedOriginRevision')) ?? source.commitOf(str(ks.status, 'lastAppliedRevision'));
  const attempted = source.commitOf(str(ks.status, 'lastAttemptedRevision'));
  if (!attempted || attempted === applied) return applied ?? attempted;
  const ksState = conditionState(ks, false);
  const applying = ksState?.state === 'in_progress' || (ksState?.state === 'failure' && ksState.reason === 'HealthCheckFailed');
  return applying ? attempted : applied;
}

/** Follows a `{kind, name, namespace?}` reference to a Git or OCI repository; a string says why not. */
function resolveRef(owner: FluxObject, ref: unknown, lookup: ObjectLookup): ResolvedSource | string {
  const kind = str(ref, 'kind');
  const name = str(ref, 'name');
  if (!kind || !name) return 'no source reference';
  if (kind !== 'GitRepository' && kind !== 'OCIRepository') return `source kind ${kind} carries no Git commit`;
  const namespace = str(ref, 'namespace') ?? owner.metadata.namespace ?? 'default';
  const source = lookup(kind, namespace, name);
  if (!source) return `${kind} ${namespace}/${name} not seen yet`;
  const artifactRevision = str(source.status, 'artifact', 'revision');
  if (kind === 'GitRepository') {
    const location = parseGitUrl(str(source.spec, 'url'));
    if (!location) return `GitRepository ${namespace}/${name} URL "${str(source.spec, 'url') ?? ''}" has no owner/repo`;
    return { location, artifactRevision, commitOf };
  }
  const metadata = field(source.status, 'artifact', 'metadata');
  const location = parseGitUrl(str(metadata, OCI_SOURCE));
  if (!location) return `OCIRepository ${namespace}/${name} artifact has no ${OCI_SOURCE} annotation`;
  const originCommit = commitOf(str(metadata, OCI_REVISION));
  return {
    location,
    artifactRevision,
    // A digest names a commit only through the annotation of the artifact that has that digest.
    commitOf: (revision) => commitOf(revision) ?? (revision && revision === artifactRevision ? originCommit : undefined),
  };
}

function entry(
  obj: FluxObject,
  location: SourceLocation,
  applied: string | undefined,
  attempting: string | undefined,
  sha: string,
  cond: NonNullable<ReturnType<typeof conditionState>>,
): ReportObject {
  const revision: ReportObject['revision'] = { sha };
  if (applied) revision.applied = applied;
  if (attempting) revision.attempting = attempting;
  const object: ReportObject = {
    kind: obj.kind as ReportObject['kind'],
    apiVersion: obj.apiVersion,
    namespace: obj.metadata.namespace ?? 'default',
    name: obj.metadata.name,
    source: { url: location.url, host: location.host, owner: location.owner, repo: location.repo },
    revision,
    state: cond.state,
  };
  if (cond.reason) object.reason = cond.reason;
  if (cond.message) object.message = cond.message;
  if (cond.failing) object.failing = cond.failing;
  if (cond.lastTransitionTime) object.lastTransitionTime = cond.lastTransitionTime;
  return object;
}
