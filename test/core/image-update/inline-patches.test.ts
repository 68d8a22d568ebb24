import { describe, expect, it } from 'vitest';
import { updateImageReferences } from '../../../src/core/image-update/index.ts';
import type { FileUpdateContext } from '../../../src/core/image-update/index.ts';
import type { Release } from '../../../src/core/image-update/release.ts';
import { semverPolicy } from './test-policies.ts';

function ctx(release: Release): FileUpdateContext {
  return { release, defaultPolicy: semverPolicy(), policies: { marker: () => undefined, forRepository: () => undefined } };
}
const release: Release = { repository: 'ghcr.io/acme/app', tag: '1.1.0' };

describe('inline patches', () => {
  it('bumps a JSON6902 value inside a kustomization patch block, changing only the value bytes', () => {
    const text = [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      '  - ../base',
      'patches:',
      '  - target:',
      '      kind: Deployment',
      '      name: app',
      '    patch: |-',
      '      - op: replace',
      '        path: /spec/template/spec/containers/0/image',
      '        value: ghcr.io/acme/app:1.0.0 # pinned',
      '',
      '      - op: replace',
      '        path: /spec/replicas',
      '        value: 2',
      '',
    ].join('\n');
    const result = updateImageReferences({ path: 'overlays/dev/kustomization.yaml', text }, ctx(release));
    expect(result.text).toBe(text.replace('app:1.0.0 # pinned', 'app:1.1.0 # pinned'));
    expect(result.changes.map((c) => [c.line, c.field, c.old, c.new, c.reason])).toEqual([
      [12, 'patches[0].patch[0].value', 'ghcr.io/acme/app:1.0.0', 'ghcr.io/acme/app:1.1.0', 'inline-patch'],
    ]);
  });

  it('bumps a strategic-merge patch in a Flux Kustomization spec.patches block, keeping CRLF', () => {
    const text = [
      'apiVersion: kustomize.toolkit.fluxcd.io/v1',
      'kind: Kustomization',
      'metadata:',
      '  name: apps',
      'spec:',
      '  path: ./apps',
      '  patches:',
      '    - patch: |',
      '        apiVersion: apps/v1',
      '        kind: Deployment',
      '        metadata:',
      '          name: app',
      '        spec:',
      '          template:',
      '            spec:',
      '              containers:',
      '                - name: app',
      '                  image: "ghcr.io/acme/app:1.0.0"',
      '      target:',
      '        kind: Deployment',
      '',
    ].join('\r\n');
    const result = updateImageReferences({ path: 'clusters/dev/apps.yaml', text }, ctx(release));
    expect(result.text).toBe(text.replace('"ghcr.io/acme/app:1.0.0"', '"ghcr.io/acme/app:1.1.0"'));
    expect(result.changes.map((c) => [c.line, c.field])).toEqual([[18, 'spec.patches[0].patch.spec.template.spec.containers[0].image']]);
  });

  // The flux-operator's FluxInstance patches its controllers with kustomize patches
  // (https://fluxcd.control-plane.io/operator/fluxinstance/#kustomize-patches); fleets write it directly
  // or through the flux-instance chart, whose `instance` values are the FluxInstance spec
  // (real case: test/fixtures/real-fleet/mirceanton-home-ops).
  it('bumps a JSON6902 value in a FluxInstance spec.kustomize.patches block', () => {
    const text = [
      'apiVersion: fluxcd.controlplane.io/v1',
      'kind: FluxInstance',
      'metadata:',
      '  name: flux',
      'spec:',
      '  kustomize:',
      '    patches:',
      '      - patch: |-',
      '          - op: replace',
      '            path: /spec/template/spec/containers/0/image',
      '            value: ghcr.io/acme/app:1.0.0',
      '        target:',
      '          kind: Deployment',
      '',
    ].join('\n');
    const result = updateImageReferences({ path: 'flux/instance.yaml', text }, ctx(release));
    expect(result.text).toBe(text.replace('app:1.0.0', 'app:1.1.0'));
    expect(result.changes.map((c) => [c.line, c.field, c.reason])).toEqual([[11, 'spec.kustomize.patches[0].patch[0].value', 'inline-patch']]);
  });

  it('bumps a JSON6902 value in the flux-instance chart values of a HelmRelease (values.instance.kustomize.patches)', () => {
    const text = [
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'metadata:',
      '  name: flux-instance',
      'spec:',
      '  values:',
      '    instance:',
      '      kustomize:',
      '        patches:',
      '          - # Use a newer image',
      '            patch: |-',
      '              - op: replace',
      '                path: /spec/template/spec/containers/0/image',
      '                value: ghcr.io/acme/app:1.0.0',
      '            target:',
      '              kind: Deployment',
      '',
    ].join('\n');
    const result = updateImageReferences({ path: 'apps/flux-instance/helm-release.yaml', text }, ctx(release));
    expect(result.text).toBe(text.replace('app:1.0.0', 'app:1.1.0'));
    expect(result.changes.map((c) => [c.line, c.field, c.reason])).toEqual([[14, 'spec.values.instance.kustomize.patches[0].patch[0].value', 'inline-patch']]);
  });

  it('never downgrades inside a patch, and leaves other block scalars alone', () => {
    const text = 'patches:\n  - patch: |\n      - op: replace\n        path: /x\n        value: ghcr.io/acme/app:2.0.0\nconfigMapGenerator:\n  - name: s\n    literals:\n      - |\n        image: ghcr.io/acme/app:1.0.0\n';
    const result = updateImageReferences({ path: 'kustomization.yaml', text }, ctx(release));
    expect(result.text).toBe(text);
    expect(result.warnings.map((w) => w.code)).toEqual(['not-newer']);
  });
});
