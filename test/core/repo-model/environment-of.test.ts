import { describe, expect, it } from 'vitest';
import { parseCourierConfig, type CourierConfig } from '../../../src/core/config/index.ts';
import { buildRepoModel, environmentOf, membership, substitutionsFor } from '../../../src/core/repo-model/index.ts';
import type { RepoFile } from '../../../src/core/repo-model/repo-file.ts';
import { CONFIG_YAML, FLEET } from './fleet.ts';

function config(text: string): CourierConfig {
  const result = parseCourierConfig(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

const CONFIG = config(CONFIG_YAML);

describe('environmentOf', () => {
  it('matches config globs in promotion order, dot files included', () => {
    expect(environmentOf('clusters/cloud-dev/podinfo.yaml', CONFIG)).toBe('dev');
    expect(environmentOf('clusters/munich-dev/.hidden/x.yaml', CONFIG)).toBe('dev');
    expect(environmentOf('clusters/cloud-prod/podinfo.yaml', CONFIG)).toBe('prod');
    expect(environmentOf('apps/podinfo/deployment.yaml', CONFIG)).toBeUndefined();
    const overlapping = config('environments:\n  - { name: a, paths: ["x/**"] }\n  - { name: b, paths: ["**"] }\n');
    expect(environmentOf('x/y.yaml', overlapping)).toBe('a');
    expect(environmentOf('z.yaml', overlapping)).toBe('b');
  });
});

describe('membership', () => {
  it('is direct when the globs match', () => {
    expect(membership('clusters/cloud-prod/podinfo.yaml', buildRepoModel(FLEET), CONFIG)).toEqual({ env: 'prod' });
  });

  it('marks a folder referenced from dev and prod clusters as shared, in promotion order', () => {
    expect(membership('apps/podinfo/deployment.yaml', buildRepoModel(FLEET), CONFIG)).toEqual({ sharedBy: ['dev', 'prod'] });
  });

  it('puts a folder referenced only by dev clusters in dev', () => {
    const model = buildRepoModel(FLEET.filter((f) => f.path !== 'clusters/cloud-prod/podinfo.yaml'));
    expect(membership('apps/podinfo/deployment.yaml', model, CONFIG)).toEqual({ env: 'dev' });
    expect(membership('apps/tools/release.yaml', model, CONFIG)).toEqual({ env: 'dev' });
  });

  it('follows chains of Kustomizations', () => {
    const chain: RepoFile[] = [
      {
        path: 'clusters/cloud-prod/infra.yaml',
        text: 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: { name: infra }\nspec: { path: ./infrastructure/prod }\n',
      },
      {
        path: 'infrastructure/prod/controllers.yaml',
        text: 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: { name: controllers }\nspec: { path: ./infrastructure/controllers }\n',
      },
      { path: 'infrastructure/controllers/ingress.yaml', text: 'kind: Deployment\n' },
    ];
    expect(membership('infrastructure/controllers/ingress.yaml', buildRepoModel(chain), CONFIG)).toEqual({ env: 'prod' });
  });

  it('says "shared" when some referrer lies in no environment, and nothing for unreferenced files', () => {
    const files: RepoFile[] = [
      ...FLEET.filter((f) => f.path !== 'clusters/cloud-prod/podinfo.yaml'),
      {
        path: 'staging/podinfo.yaml',
        text: 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: { name: x }\nspec: { path: ./apps/podinfo }\n',
      },
    ];
    const model = buildRepoModel(files);
    expect(membership('apps/podinfo/deployment.yaml', model, CONFIG)).toEqual({ sharedBy: ['dev'] });
    expect(membership('docs/readme.md', model, CONFIG)).toEqual({});
  });

  it('does not loop on Kustomizations that hold each other', () => {
    const loop: RepoFile[] = [
      { path: 'a/k.yaml', text: 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: { name: a }\nspec: { path: ./b }\n' },
      { path: 'b/k.yaml', text: 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: { name: b }\nspec: { path: ./a }\n' },
    ];
    expect(membership('a/x.yaml', buildRepoModel(loop), CONFIG)).toEqual({});
  });
});

describe('substitutionsFor', () => {
  it('lists every cluster Kustomization setting the variable for the app file, with value and line', () => {
    const model = buildRepoModel(FLEET);
    expect(substitutionsFor('apps/podinfo/deployment.yaml', 'APP_VERSION', model, CONFIG)).toEqual([
      { file: 'clusters/cloud-dev/podinfo.yaml', kustomization: { name: 'podinfo', namespace: 'flux-system' }, env: 'dev', value: '6.5.0', line: 16 },
      { file: 'clusters/munich-dev/podinfo.yaml', kustomization: { name: 'podinfo', namespace: 'flux-system' }, env: 'dev', value: '6.5.0', line: 16 },
      { file: 'clusters/cloud-prod/podinfo.yaml', kustomization: { name: 'podinfo', namespace: 'flux-system' }, env: 'prod', value: '6.4.0', line: 16 },
    ]);
    expect(substitutionsFor('apps/podinfo', 'CLUSTER', model).map((s) => [s.value, s.env])).toEqual([
      ['cloud-dev', undefined],
      ['munich-dev', undefined],
      ['cloud-prod', undefined],
    ]);
    expect(substitutionsFor('apps/podinfo/deployment.yaml', 'UNSET', model)).toEqual([]);
    expect(substitutionsFor('apps/podinfo-v2/deployment.yaml', 'APP_VERSION', model)).toEqual([]);
  });
});

describe('membership through Kustomize bases and overlays', () => {
  const kustomization = (path: string, text: string): RepoFile => ({ path, text });
  const files: RepoFile[] = [
    kustomization('base/kustomization.yaml', 'resources:\n  - deploy.yaml\ncomponents: [../components/probes]\n'),
    { path: 'base/deploy.yaml', text: 'kind: Deployment\n' },
    { path: 'components/probes/patch.yaml', text: 'kind: Deployment\n' },
    kustomization('overlays/dev/kustomization.yaml', 'resources:\n  - ../../base\n  - https://github.com/acme/x//deploy?ref=v1\n'),
    kustomization('overlays/prod/Kustomization', 'bases: [../../base]\nresources: [github.com/acme/y?ref=v2, ../../prod-only]\n'),
    { path: 'prod-only/cm.yaml', text: 'kind: ConfigMap\n' },
    kustomization('broken/kustomization.yaml', 'resources: [\n'),
  ];
  const cfg = config('environments:\n  - { name: dev, paths: ["overlays/dev/**"] }\n  - { name: prod, paths: ["overlays/prod/**"] }\n');
  const model = buildRepoModel(files);

  it('reads local references and skips remote ones', () => {
    expect(model.kustomizeFiles).toEqual([
      { file: 'base/kustomization.yaml', references: ['base/deploy.yaml', 'components/probes'] },
      { file: 'overlays/dev/kustomization.yaml', references: ['base'] },
      { file: 'overlays/prod/Kustomization', references: ['prod-only', 'base'] },
    ]);
    expect(model.warnings).toEqual([expect.objectContaining({ code: 'yaml-parse-error', file: 'broken/kustomization.yaml' })]);
  });

  it('marks a base shared by dev and prod overlays, and follows components and prod-only folders', () => {
    expect(membership('base/deploy.yaml', model, cfg)).toEqual({ sharedBy: ['dev', 'prod'] });
    expect(membership('components/probes/patch.yaml', model, cfg)).toEqual({ sharedBy: ['dev', 'prod'] });
    expect(membership('prod-only/cm.yaml', model, cfg)).toEqual({ env: 'prod' });
  });
});
