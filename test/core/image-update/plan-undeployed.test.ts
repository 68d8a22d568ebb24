import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/core/config/index.ts';
import { planImageUpdate } from '../../../src/core/image-update/plan-image-update.ts';
import type { RepoFile } from '../../../src/core/repo-model/repo-file.ts';

const ks = (name: string, path: string, kind = 'GitRepository'): string =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  path: ${path}\n  sourceRef:\n    kind: ${kind}\n    name: flux-system\n`;
const deployment = (tag: string): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/app:${tag}\n`;

const files: RepoFile[] = [
  { path: 'clusters/dev/flux-system/gotk-sync.yaml', text: ks('flux-system', './clusters/dev') },
  { path: 'clusters/dev/apps.yaml', text: ks('apps', './apps') },
  { path: 'apps/app/deployment.yaml', text: deployment('1.0.0') },
  { path: '.archive/app/deployment.yaml', text: deployment('1.0.0') },
  { path: '.archive/other/deployment.yaml', text: deployment('0.9.0') },
];
const release = { repository: 'ghcr.io/acme/app', tag: '1.1.0' };

describe('planImageUpdate: files no cluster deploys', () => {
  it('leaves them alone and says so once per run', () => {
    const plan = planImageUpdate({ files, config: defaultConfig(), releases: [release, { ...release, tag: '1.2.0' }] });
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(['apps/app/deployment.yaml']);
    const notes = plan.changeSet.warnings.filter((w) => w.code === 'not-deployed');
    expect(notes).toHaveLength(1);
    expect(notes[0]!.message).toBe(
      '2 files reference released images but no Flux Kustomization of this repository applies them, so Courier left them alone: .archive/app/deployment.yaml, .archive/other/deployment.yaml. Add them to a Kustomization (spec.path or kustomization.yaml resources) if a cluster should run them.',
    );
  });

  it('bumps everything when a Kustomization reads an OCI artifact Courier cannot see into', () => {
    const oci = [...files, { path: 'clusters/dev/oci.yaml', text: ks('oci', './', 'OCIRepository') }];
    const plan = planImageUpdate({ files: oci, config: defaultConfig(), releases: [release] });
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(['.archive/app/deployment.yaml', '.archive/other/deployment.yaml', 'apps/app/deployment.yaml']);
    expect(plan.changeSet.warnings.map((w) => w.code)).not.toContain('not-deployed');
  });
});
