import { describe, expect, it } from 'vitest';
import { interpretObject } from '../../../src/core/reconcile/interpret.ts';
import { reportObjectSchema, type ReconcileState } from '../../../src/core/reconcile/report.ts';
import { failingObjects, settledState } from '../../../src/core/reconcile/state.ts';
import { cond, DIGEST, gitRepository, helmRelease, kustomization, lookupOf, ociRepository, SHA_A, SHA_B } from './flux-fixtures.ts';

const fleetAtA = gitRepository('fleet', 'ssh://git@github.com/acme/fleet', SHA_A);
const fleetAtB = gitRepository('fleet', 'ssh://git@github.com/acme/fleet', SHA_B);
const revA = `main@sha1:${SHA_A}`;
const revB = `main@sha1:${SHA_B}`;
const readyA = cond('Ready', 'True', 'ReconciliationSucceeded', `Applied revision: ${revA}`);

describe('interpretObject: Kustomization from a GitRepository', () => {
  const cases: Array<[string, Record<string, unknown>, typeof fleetAtA, number, object]> = [
    [
      'success at the applied commit',
      { lastAppliedRevision: revA, lastAttemptedRevision: revA, conditions: [readyA] },
      fleetAtA,
      1,
      { state: 'success', reason: 'ReconciliationSucceeded', revision: { applied: revA, attempting: revA, sha: SHA_A } },
    ],
    [
      'pending: the source fetched B, the Kustomization is still at A',
      { lastAppliedRevision: revA, lastAttemptedRevision: revA, conditions: [readyA] },
      fleetAtB,
      1,
      { state: 'pending', message: 'new revision fetched; not yet applied', revision: { applied: revA, attempting: revB, sha: SHA_B } },
    ],
    [
      'in progress on B while health checks run',
      {
        lastAppliedRevision: revA,
        lastAttemptedRevision: revB,
        conditions: [
          cond('Reconciling', 'True', 'Progressing', `Running health checks for revision ${revB} with a timeout of 5m0s`),
          cond('Ready', 'Unknown', 'Progressing', 'Reconciliation in progress'),
        ],
      },
      fleetAtB,
      1,
      { state: 'in_progress', reason: 'Progressing', revision: { sha: SHA_B } },
    ],
    [
      'failure on B with the failing objects',
      {
        lastAppliedRevision: revA,
        lastAttemptedRevision: revB,
        conditions: [
          cond('Ready', 'False', 'HealthCheckFailed', "health check failed after 5m0s: timeout waiting for: [Deployment/apps/podinfo status: 'InProgress', StatefulSet/apps/redis status: 'Failed']"),
        ],
      },
      fleetAtB,
      1,
      { state: 'failure', reason: 'HealthCheckFailed', failing: ['Deployment/apps/podinfo', 'StatefulSet/apps/redis'], revision: { sha: SHA_B } },
    ],
    [
      'still a failure while Flux retries',
      {
        lastAppliedRevision: revA,
        lastAttemptedRevision: revB,
        conditions: [
          cond('Reconciling', 'True', 'ProgressingWithRetry', `Detecting drift for revision ${revB}`),
          cond('Ready', 'Unknown', 'Progressing', 'Reconciliation in progress'),
        ],
      },
      fleetAtB,
      1,
      { state: 'failure', reason: 'ProgressingWithRetry', revision: { sha: SHA_B } },
    ],
    [
      'stalled',
      { lastAttemptedRevision: revB, conditions: [cond('Stalled', 'True', 'InvalidPath', 'path ./apps/x not found'), cond('Ready', 'False', 'InvalidPath', 'x')] },
      fleetAtB,
      1,
      { state: 'failure', reason: 'InvalidPath', message: 'path ./apps/x not found', revision: { sha: SHA_B } },
    ],
    [
      'waiting for a dependency is pending, not failure',
      { lastAttemptedRevision: revA, conditions: [cond('Ready', 'False', 'DependencyNotReady', "dependency 'flux-system/infra' is not ready")] },
      fleetAtA,
      1,
      { state: 'pending', reason: 'DependencyNotReady', revision: { sha: SHA_A } },
    ],
    [
      'Ready=True but a newer generation not yet observed is pending',
      { lastAppliedRevision: revA, lastAttemptedRevision: revA, conditions: [readyA] },
      fleetAtA,
      2,
      { state: 'pending', message: 'spec changed; not yet observed', revision: { sha: SHA_A } },
    ],
    [
      'legacy revision format',
      { lastAppliedRevision: `main/${SHA_A}`, lastAttemptedRevision: `main/${SHA_A}`, conditions: [readyA] },
      gitRepository('fleet', 'ssh://git@github.com/acme/fleet', undefined),
      1,
      { state: 'success', revision: { sha: SHA_A } },
    ],
  ];
  it.each(cases)('%s', (_title, status, source, generation, expected) => {
    const ks = kustomization('apps', status, { generation });
    const result = interpretObject(ks, lookupOf([ks, source]));
    expect(result.reason).toBeUndefined();
    expect(result.object).toMatchObject(expected);
    expect(result.object?.source).toEqual({ url: 'ssh://git@github.com/acme/fleet', host: 'github.com', owner: 'acme', repo: 'fleet' });
    expect(reportObjectSchema.safeParse(result.object).success).toBe(true);
  });
});

describe('interpretObject: OCI and HelmRelease sources', () => {
  it('takes the commit of an OCI artifact from its annotations', () => {
    const oci = ociRepository('manifests', {
      'org.opencontainers.image.source': 'https://github.com/acme/fleet',
      'org.opencontainers.image.revision': revB,
    });
    const ks = kustomization(
      'apps',
      { lastAppliedRevision: `latest@${DIGEST}`, lastAttemptedRevision: `latest@${DIGEST}`, conditions: [readyA] },
      { source: { kind: 'OCIRepository', name: 'manifests' } },
    );
    expect(interpretObject(ks, lookupOf([ks, oci])).object).toMatchObject({
      state: 'success',
      source: { host: 'github.com', owner: 'acme', repo: 'fleet' },
      revision: { sha: SHA_B, applied: `latest@${DIGEST}` },
    });
  });

  it('prefers lastAppliedOriginRevision for OCI', () => {
    const oci = ociRepository('manifests', { 'org.opencontainers.image.source': 'https://github.com/acme/fleet' });
    const ks = kustomization(
      'apps',
      { lastAppliedRevision: `latest@${DIGEST}`, lastAppliedOriginRevision: revA, conditions: [readyA] },
      { source: { kind: 'OCIRepository', name: 'manifests' } },
    );
    expect(interpretObject(ks, lookupOf([ks, oci])).object?.revision.sha).toBe(SHA_A);
  });

  it('skips OCI artifacts without a source annotation', () => {
    const oci = ociRepository('manifests', {});
    const ks = kustomization('apps', { lastAppliedRevision: `latest@${DIGEST}`, conditions: [readyA] }, { source: { kind: 'OCIRepository', name: 'manifests' } });
    expect(interpretObject(ks, lookupOf([ks, oci])).reason).toMatch(/org.opencontainers.image.source/);
  });

  it('gives a HelmRelease the commit of the Kustomization that applied it', () => {
    const ks = kustomization('apps', { lastAppliedRevision: revA, lastAttemptedRevision: revA, conditions: [readyA] });
    const hr = helmRelease(
      'podinfo',
      {
        lastAttemptedRevision: '6.5.1',
        history: [{ chartVersion: '6.5.1', status: 'deployed' }],
        conditions: [cond('Ready', 'False', 'UpgradeFailed', 'Helm upgrade failed for release apps/podinfo with chart podinfo@6.5.1: timed out')],
      },
      { appliedBy: 'apps' },
    );
    expect(interpretObject(hr, lookupOf([ks, hr, fleetAtB])).object).toMatchObject({
      kind: 'HelmRelease',
      namespace: 'apps',
      state: 'failure',
      reason: 'UpgradeFailed',
      revision: { applied: '6.5.1', attempting: '6.5.1', sha: SHA_A },
      source: { owner: 'acme', repo: 'fleet' },
    });
  });

  it.each([
    ['health-checking B', [cond('Reconciling', 'True', 'Progressing', 'Running health checks'), cond('Ready', 'Unknown', 'Progressing', 'in progress')], SHA_B],
    ['failing health checks on B', [cond('Ready', 'False', 'HealthCheckFailed', 'timeout waiting for: [HelmRelease/apps/podinfo]')], SHA_B],
    ['failing to build B', [cond('Ready', 'False', 'BuildFailed', 'kustomize build failed')], SHA_A],
  ])('attributes a HelmRelease to the commit its Kustomization is %s', (_t, conditions, sha) => {
    const ks = kustomization('apps', { lastAppliedRevision: revA, lastAttemptedRevision: revB, conditions });
    const hr = helmRelease('podinfo', { lastAttemptedRevision: '6.5.1', conditions: [cond('Ready', 'False', 'UpgradeFailed', 'failed')] }, { appliedBy: 'apps' });
    expect(interpretObject(hr, lookupOf([ks, hr, fleetAtB])).object?.revision.sha).toBe(sha);
  });

  it('gives a HelmRelease with a chart from a GitRepository that source commit', () => {
    const hr = helmRelease(
      'podinfo',
      { lastAppliedRevision: '6.5.0', conditions: [cond('Ready', 'True', 'ReconciliationSucceeded', 'Release reconciliation succeeded')] },
      { apiVersion: 'helm.toolkit.fluxcd.io/v2beta1', spec: { chart: { spec: { chart: './charts/podinfo', sourceRef: { kind: 'GitRepository', name: 'fleet', namespace: 'flux-system' } } } } },
    );
    expect(interpretObject(hr, lookupOf([hr, fleetAtB])).object).toMatchObject({ state: 'success', revision: { sha: SHA_B, applied: '6.5.0' } });
  });

  it.each([
    ['a chart from a HelmRepository', helmRelease('p', { conditions: [readyA] }), /HelmRepository carries no Git commit/],
    ['a missing status', helmRelease('p', undefined), /no status/],
    ['no conditions', helmRelease('p', { conditions: 'garbage' }), /no Ready/],
    ['an unseen applying Kustomization', helmRelease('p', { conditions: [readyA] }, { appliedBy: 'gone' }), /not seen yet/],
  ])('skips a HelmRelease with %s', (_t, hr, reason) => {
    expect(interpretObject(hr, lookupOf([hr, fleetAtA])).reason).toMatch(reason);
  });

  it.each([
    ['missing status', kustomization('k', undefined), fleetAtA, /no status/],
    ['a chart-version-like revision', kustomization('k', { lastAppliedRevision: 'master', lastAttemptedRevision: 'master', conditions: [readyA] }), gitRepository('fleet', 'https://github.com/acme/fleet', undefined), /names no Git commit/],
    ['an unseen source', kustomization('k', { conditions: [readyA] }), gitRepository('other', 'https://github.com/acme/fleet', SHA_A), /not seen yet/],
    ['a Bucket source', kustomization('k', { conditions: [readyA] }, { source: { kind: 'Bucket', name: 'b' } }), fleetAtA, /Bucket/],
    ['a URL without owner', kustomization('k', { conditions: [readyA] }), gitRepository('fleet', 'https://git.example.com/fleet', SHA_A), /no owner\/repo/],
  ])('skips a Kustomization with %s, never throwing', (_t, ks, source, reason) => {
    expect(interpretObject(ks, lookupOf([ks, source])).reason).toMatch(reason);
  });

  it('does not report sources themselves', () => {
    expect(interpretObject(fleetAtA, lookupOf([fleetAtA])).reason).toMatch(/not reported/);
  });
});

describe('failure semantics', () => {
  it('names Kind/namespace/name and Kind/name references only', () => {
    expect(failingObjects('Kustomization/flux-system/infra dependency; HelmRelease/podinfo and main@sha1:abc podinfo@6.5.0 apps/x')).toEqual([
      'Kustomization/flux-system/infra',
      'HelmRelease/podinfo',
    ]);
  });

  type S = { state: ReconcileState; revision: { sha?: string } };
  const at = (state: ReconcileState, sha = SHA_B): S => ({ state, revision: { sha } });
  it.each([
    ['failure', 'in_progress', SHA_B, 'failure'],
    ['failure', 'pending', SHA_B, 'failure'],
    ['failure', 'success', SHA_B, 'success'],
    ['failure', 'in_progress', SHA_A, 'in_progress'],
    ['success', 'in_progress', SHA_B, 'success'],
    ['success', 'failure', SHA_B, 'failure'],
    ['success', 'pending', SHA_A, 'pending'],
    ['in_progress', 'pending', SHA_B, 'pending'],
    [undefined, 'in_progress', SHA_B, 'in_progress'],
  ] as const)('after %s, %s on %s is reported as %s', (previous, next, sha, expected) => {
    expect(settledState(previous ? at(previous) : undefined, at(next, sha)).state).toBe(expected);
  });
});
