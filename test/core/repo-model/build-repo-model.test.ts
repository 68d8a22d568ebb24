import { describe, expect, it } from 'vitest';
import { buildRepoModel, mayHoldFluxObject, normaliseFluxPath } from '../../../src/core/repo-model/index.ts';
import { FLEET } from './fleet.ts';

describe('buildRepoModel', () => {
  const model = buildRepoModel(FLEET);

  it('reads Flux Kustomizations of any version, with path, sourceRef, substitutions and images', () => {
    expect(model.kustomizations.map((k) => `${k.file}#${k.name}`)).toEqual([
      'clusters/cloud-dev/flux-system/gotk-sync.yaml#flux-system',
      'clusters/cloud-dev/podinfo.yaml#podinfo',
      'clusters/munich-dev/podinfo.yaml#podinfo',
      'clusters/cloud-prod/podinfo.yaml#podinfo',
      'clusters/cloud-dev/tools.yaml#tools',
    ]);
    const podinfo = model.kustomizations[1]!;
    expect(podinfo).toMatchObject({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', namespace: 'flux-system', path: 'apps/podinfo', line: 2 });
    expect(podinfo.sourceRef).toEqual({ kind: 'GitRepository', name: 'flux-system' });
    expect([...podinfo.substitute]).toEqual([
      ['CLUSTER', { value: 'cloud-dev', line: 15 }],
      ['APP_VERSION', { value: '6.5.0', line: 16 }],
    ]);
    const tools = model.kustomizations[4]!;
    expect(tools.path).toBe('apps/tools');
    expect(tools.images).toEqual([
      { name: 'ghcr.io/acme/tool', newTag: '1.0.0', line: 8 },
      { name: 'busybox', newName: 'docker.io/library/busybox', digest: `sha256:${'b'.repeat(64)}`, line: 10 },
    ]);
  });

  it('ignores kustomize.config.k8s.io Kustomizations and prose mentioning Flux kinds', () => {
    expect(model.kustomizations.some((k) => k.file.startsWith('apps/podinfo'))).toBe(false);
    expect(model.warnings).toEqual([]);
    expect(model.paths).toHaveLength(FLEET.length);
  });

  it('reads HelmReleases with chart spec and values presence', () => {
    expect(model.helmReleases).toEqual([
      {
        file: 'apps/tools/release.yaml',
        line: 1,
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        name: 'tool',
        namespace: 'tools',
        chart: { chart: 'tool', version: '1.2.x', sourceRef: { kind: 'HelmRepository', name: 'acme', namespace: 'flux-system' } },
        hasValues: true,
      },
    ]);
  });

  it('reads ImagePolicies (v1, v1beta2) and ImageRepositories, defaulting the ref namespace to the policy namespace', () => {
    expect(model.imagePolicies).toEqual([
      expect.objectContaining({
        name: 'podinfo',
        namespace: 'flux-system',
        line: 11,
        imageRepositoryRef: { name: 'podinfo', namespace: 'flux-system' },
        spec: { policy: { semver: { range: '>=6.0.0' } }, filterTags: { pattern: '^(?P<v>[0-9.]+)$', extract: '$v' } },
        digestReflectionPolicy: 'IfNotPresent',
      }),
      expect.objectContaining({
        name: 'tool',
        namespace: 'apps',
        apiVersion: 'image.toolkit.fluxcd.io/v1beta2',
        imageRepositoryRef: { name: 'tool', namespace: 'flux-system' },
        spec: { policy: { numerical: { order: 'asc' } } },
      }),
    ]);
    expect(model.imageRepositories.map((r) => [r.namespace, r.name, r.image, r.exclusionList])).toEqual([
      ['flux-system', 'podinfo', 'ghcr.io/stefanprodan/podinfo', ['^.*\\.sig$']],
      ['flux-system', 'tool', 'ghcr.io/acme/tool', undefined],
    ]);
  });

  it('turns unparsable files into warnings with file and line and keeps reading the rest', () => {
    const broken = {
      path: 'clusters/x/broken.yaml',
      text: 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: [unclosed\n',
    };
    const mixed = {
      path: 'clusters/x/mixed.yaml',
      text: `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: { name: good }\nspec: { path: ./a }\n---\nkey: "unterminated\n`,
    };
    const m = buildRepoModel([broken, ...FLEET, mixed]);
    expect(m.warnings).toEqual([
      expect.objectContaining({ code: 'yaml-parse-error', file: 'clusters/x/broken.yaml', line: expect.any(Number) }),
      expect.objectContaining({ code: 'yaml-parse-error', file: 'clusters/x/mixed.yaml', line: 7 }),
    ]);
    expect(m.warnings[0]!.line).toBeGreaterThanOrEqual(4);
    expect(m.kustomizations.map((k) => k.name)).toContain('good');
    expect(m.kustomizations).toHaveLength(6);
  });

  it('warns about invalid Flux objects instead of guessing', () => {
    const m = buildRepoModel([
      {
        path: 'p.yaml',
        text: 'apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: { name: p, namespace: ns }\nspec:\n  imageRepositoryRef: { name: r }\n  policy: { semver: { range: "1.x" }, alphabetical: {} }\n',
      },
      { path: 'r.yaml', text: 'apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: { name: r }\n' },
    ]);
    expect(m.imagePolicies).toEqual([]);
    expect(m.imageRepositories).toEqual([]);
    expect(m.warnings.map((w) => [w.code, w.file, w.line])).toEqual([
      ['flux-object-invalid', 'p.yaml', 1],
      ['flux-object-invalid', 'r.yaml', 1],
    ]);
  });

  it('screens files by text before parsing', () => {
    expect(mayHoldFluxObject({ path: 'a.yaml', text: 'kind: Kustomization\napiVersion: kustomize.config.k8s.io/v1beta1\n' })).toBe(false);
    expect(mayHoldFluxObject({ path: 'a.json', text: FLEET[0]!.text })).toBe(false);
    expect(mayHoldFluxObject({ path: 'a.YML', text: FLEET[0]!.text })).toBe(true);
    // Not parsed, so no warning even though the YAML is broken.
    expect(buildRepoModel([{ path: 'x.yaml', text: 'a: [\nkind: Deployment\n' }]).warnings).toEqual([]);
  });
});

describe('normaliseFluxPath', () => {
  it.each([
    ['./apps/podinfo', 'apps/podinfo'],
    ['./apps/podinfo/', 'apps/podinfo'],
    ['apps//podinfo', 'apps/podinfo'],
    ['./', ''],
    ['.', ''],
    ['', ''],
    ['/clusters/prod', 'clusters/prod'],
    ['./a/../b', 'b'],
  ])('%j → %j', (input, out) => {
    expect(normaliseFluxPath(input)).toBe(out);
  });
});

describe('HelmRelease-only files', () => {
  const helm = (name: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: ${name} }\nspec: { values: {} }\n`;
  const files = [
    { path: 'a.yaml', text: helm('a') },
    { path: 'b.yaml', text: `${helm('b')}---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: { name: r }\nspec: { image: nginx }\n` },
    { path: 'c.yaml', text: `${helm('c')}  bad: [\n` },
    { path: 'd.yaml', text: helm('d') },
  ];

  it('are parsed on first read of helmReleases, in file order, their warnings joining the model', () => {
    const model = buildRepoModel(files);
    expect(model.imageRepositories.map((r) => r.name)).toEqual(['r']);
    expect(model.warnings).toEqual([]);
    expect(model.helmReleases.map((h) => [h.name, h.hasValues])).toEqual([
      ['a', false],
      ['b', false],
      ['d', false],
    ]);
    expect(model.warnings).toEqual([expect.objectContaining({ code: 'yaml-parse-error', file: 'c.yaml' })]);
    expect(model.helmReleases).toBe(model.helmReleases);
    expect(model.warnings).toHaveLength(1);
  });
});

describe('kustomization files', () => {
  const fluxKs = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: { name: apps }\nspec: { path: ./apps }\n';
  const files = [
    { path: 'a/kustomization.yaml', text: 'resources: [x.yaml]\n' },
    { path: 'b/kustomization.yaml', text: fluxKs },
    { path: 'c/kustomization.yaml', text: 'resources: [\n' },
    { path: 'd/Kustomization', text: 'components: [../e]\n' },
  ];

  it('are read on first use of kustomizeFiles, in file order, unless they may hold Flux objects; warnings join then', () => {
    const model = buildRepoModel(files);
    expect(model.kustomizations.map((k) => k.file)).toEqual(['b/kustomization.yaml']);
    expect(model.warnings).toEqual([]);
    expect(model.kustomizeFiles).toEqual([
      { file: 'a/kustomization.yaml', references: ['a/x.yaml'] },
      { file: 'b/kustomization.yaml', references: [] },
      { file: 'd/Kustomization', references: ['e'] },
    ]);
    expect(model.warnings).toEqual([expect.objectContaining({ code: 'yaml-parse-error', file: 'c/kustomization.yaml' })]);
    expect(model.kustomizeFiles).toBe(model.kustomizeFiles);
    expect(model.warnings).toHaveLength(1);
  });
});

describe('YAML anchors and aliases', () => {
  // The shape of onedr0p/home-ops ks.yaml files (test/fixtures/real-fleet/onedr0p-home-ops): the name is anchored once and reused.
  const text = [
    'apiVersion: kustomize.toolkit.fluxcd.io/v1',
    'kind: Kustomization',
    'metadata:',
    '  name: &app atuin',
    '  namespace: &namespace default',
    'spec:',
    '  path: ./apps/atuin',
    '  postBuild:',
    '    substitute:',
    '      APP: *app',
    '      VOLSYNC_CAPACITY: 5Gi',
    '  targetNamespace: *namespace',
    '',
  ].join('\n');

  it('reads an aliased substitute as the anchored value, without a warning', () => {
    const model = buildRepoModel([{ path: 'apps/atuin/ks.yaml', text }]);
    expect(model.warnings).toEqual([]);
    expect(model.kustomizations[0]!.substitute.get('APP')).toEqual({ value: 'atuin', line: 10, alias: true });
    expect(model.kustomizations[0]!.substitute.get('VOLSYNC_CAPACITY')).toEqual({ value: '5Gi', line: 11 });
  });
});
