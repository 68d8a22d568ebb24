import { describe, expect, it } from 'vitest';
import { applySetters, fillVariables, mightReference, parseImageTemplate, updateImageReferences } from '../../../src/core/image-update/index.ts';
import type { FileUpdateContext } from '../../../src/core/image-update/index.ts';
import type { Release } from '../../../src/core/image-update/release.ts';
import { semverPolicy } from './test-policies.ts';
import { defaultReleasePolicy } from '../../../src/core/policies/default-release-policy.ts';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const OLD = `sha256:${'d'.repeat(64)}`;

function ctx(release: Release, extra: Partial<FileUpdateContext> = {}): FileUpdateContext {
  return {
    release,
    defaultPolicy: semverPolicy(),
    policies: { marker: () => undefined, forRepository: () => undefined },
    ...extra,
  };
}

const deployment = (image: string): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: ${image}\n`;

describe('mightReference', () => {
  const release = { repository: 'docker.io/library/nginx', tag: '1.27.0' };
  it('finds any spelling of the repository by its last path component', () => {
    expect(mightReference('image: nginx:1.25', release)).toBe(true);
    expect(mightReference('image: "docker.io/library/nginx:1.25"', release)).toBe(true);
    expect(mightReference('repository: library/nginx\n', release)).toBe(true);
  });
  it('finds markers and postBuild variables', () => {
    expect(mightReference('x: 1 # {"$imagepolicy": "a:b"}', release)).toBe(true);
    expect(mightReference('image: ${IMG}', release)).toBe(true);
  });
  it('screens out files that cannot reference it', () => {
    expect(mightReference('image: nginx-exporter:1.0\nkind: nginxish\n', release)).toBe(false);
    expect(mightReference('apiVersion: apps/v1\n', { repository: 'ghcr.io/acme/app', tag: '1' })).toBe(false);
  });
});

describe('parseImageTemplate', () => {
  it('splits parts without being fooled by defaults', () => {
    const t = parseImageTemplate('${REG:=ghcr.io}/acme/app:${TAG:=1.0.0}@${DIGEST}');
    expect(t.name).toBe('${REG:=ghcr.io}/acme/app');
    expect(t.variables.map((v) => [v.variable, v.role])).toEqual([
      ['REG', 'name'],
      ['TAG', 'tag'],
      ['DIGEST', 'digest'],
    ]);
    expect(parseImageTemplate('localhost:5000/app').tag).toBeUndefined();
  });

  it('fillVariables uses the set value, else the written default, else nothing', () => {
    const set = new Map([['REG', 'quay.io']]);
    expect(fillVariables('${REG:=ghcr.io}/acme/${NS-team}/${APP}', (v) => set.get(v))).toBe('quay.io/acme/team/');
    expect(fillVariables('${REG:=ghcr.io}/acme/app', () => undefined)).toBe('ghcr.io/acme/app');
  });
});

describe('updateImageReferences: containers', () => {
  it('drops a stale digest (with a warning) when the release has none, so the new tag takes effect', () => {
    const text = deployment(`ghcr.io/acme/app:1.0.0@${OLD}`);
    const result = updateImageReferences({ path: 'd.yaml', text }, ctx({ repository: 'ghcr.io/acme/app', tag: '1.1.0' }));
    expect(result.text).toBe(deployment('ghcr.io/acme/app:1.1.0'));
    expect(result.warnings.map((w) => w.code)).toEqual(['stale-digest-removed']);
  });
  it('matches Docker Hub spellings canonically and keeps the spelling', () => {
    const text = deployment('nginx:1.25.0');
    const result = updateImageReferences({ path: 'd.yaml', text }, ctx({ repository: 'docker.io/library/nginx', tag: '1.27.0' }));
    expect(result.text).toBe(deployment('nginx:1.27.0'));
    expect(result.changes[0]).toMatchObject({
      line: 10,
      field: 'spec.template.spec.containers[0].image',
      old: 'nginx:1.25.0',
      new: 'nginx:1.27.0',
      reason: 'container',
      image: 'docker.io/library/nginx',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'app' },
    });
  });
  it('says nothing when the file already has the release', () => {
    const text = deployment('ghcr.io/acme/app:1.1.0');
    const result = updateImageReferences({ path: 'd.yaml', text }, ctx({ repository: 'ghcr.io/acme/app', tag: '1.1.0' }));
    expect(result).toEqual({ text, changes: [], warnings: [], variables: [] });
  });
  it('uses the repository policy before the default and reports a refusal', () => {
    const text = deployment('ghcr.io/acme/app:1.0.0');
    const result = updateImageReferences(
      { path: 'd.yaml', text },
      ctx({ repository: 'ghcr.io/acme/app', tag: '2.0.0' }, { policies: { marker: () => undefined, forRepository: () => semverPolicy(1) } }),
    );
    expect(result.text).toBe(text);
    expect(result.warnings[0]).toMatchObject({ code: 'policy-refused', file: 'd.yaml', line: 10 });
    expect(result.warnings[0]!.message).toContain('refused tag 2.0.0');
  });
  it('does not rewrite block scalars, and says so', () => {
    const text = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: >-\n      ghcr.io/acme/app:1.0.0\n  - image: ghcr.io/acme/app:1.0.0\n';
    const result = updateImageReferences({ path: 'p.yaml', text }, ctx({ repository: 'ghcr.io/acme/app', tag: '1.1.0' }));
    expect(result.text).toBe(text.replace('  - image: ghcr.io/acme/app:1.0.0', '  - image: ghcr.io/acme/app:1.1.0'));
    expect(result.warnings).toMatchObject([{ code: 'edit-not-applied', line: 5, field: 'spec.containers[0].image' }]);
    expect(result.changes.map((c) => c.field)).toEqual(['spec.containers[1].image']);
  });
});

describe('updateImageReferences: kustomize and HelmRelease', () => {
  it('warns about an images entry without newTag instead of adding one', () => {
    const text = 'images:\n- name: app\n  newName: ghcr.io/acme/app\n';
    const result = updateImageReferences({ path: 'base/kustomization.yaml', text }, ctx({ repository: 'ghcr.io/acme/app', tag: '1.1.0' }));
    expect(result.text).toBe(text);
    expect(result.warnings.map((w) => w.code)).toEqual(['no-tag-field']);
  });
  it('reports a templated HelmRelease tag as a variable use and never touches the chart version', () => {
    const text = [
      'apiVersion: helm.toolkit.fluxcd.io/v2',
      'kind: HelmRelease',
      'metadata: {name: app, namespace: apps}',
      'spec:',
      '  chart: {spec: {chart: app, version: 1.0.0}}',
      '  values:',
      '    image: {repository: ghcr.io/acme/app, tag: "${APP_TAG}"}',
      '',
    ].join('\n');
    const result = updateImageReferences({ path: 'r.yaml', text }, ctx({ repository: 'ghcr.io/acme/app', tag: '1.1.0' }));
    expect(result.text).toBe(text);
    expect(result.variables).toEqual([
      {
        file: 'r.yaml',
        line: 7,
        variable: 'APP_TAG',
        repository: 'ghcr.io/acme/app',
        role: 'tag',
        field: 'spec.values.image.tag',
        object: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', namespace: 'apps', name: 'app' },
        template: '${APP_TAG}',
      },
    ]);
  });
});

describe('updateImageReferences: HelmRelease tag@digest', () => {
  const helm = (values: string): string =>
    `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  values:\n${values}`;
  const release = { repository: 'ghcr.io/acme/app', tag: '1.1.0' };
  it('bumps the version and puts the release digest in place of the old one', () => {
    const text = helm(`    image:\n      repository: ghcr.io/acme/app\n      tag: 1.0.0@${OLD} # pinned\n`);
    const result = updateImageReferences({ path: 'r.yaml', text }, ctx({ ...release, digest: DIGEST }));
    expect(result.text).toBe(helm(`    image:\n      repository: ghcr.io/acme/app\n      tag: 1.1.0@${DIGEST} # pinned\n`));
    expect(result.changes.map((c) => [c.field, c.old, c.new, c.reason])).toEqual([['spec.values.image.tag', `1.0.0@${OLD}`, `1.1.0@${DIGEST}`, 'helm-values']]);
    expect(result.warnings).toEqual([]);
  });
  it('drops the stale digest with a warning when the release digest is unknown', () => {
    const text = helm(`    image: {repository: ghcr.io/acme/app, tag: "v1.0.0@${OLD}"}\n`);
    const result = updateImageReferences({ path: 'r.yaml', text }, ctx({ repository: 'ghcr.io/acme/app', tag: 'v1.1.0' }));
    expect(result.text).toBe(helm('    image: {repository: ghcr.io/acme/app, tag: "v1.1.0"}\n'));
    expect(result.warnings.map((w) => w.code)).toEqual(['stale-digest-removed']);
  });
  it('never downgrades a tag@digest and keeps a digest-only refresh for the same tag', () => {
    const older = helm(`    image: {repository: ghcr.io/acme/app, tag: 1.2.0@${OLD}}\n`);
    expect(updateImageReferences({ path: 'r.yaml', text: older }, ctx(release)).text).toBe(older);
    const same = helm(`    image: {repository: ghcr.io/acme/app, tag: 1.1.0@${OLD}}\n`);
    expect(updateImageReferences({ path: 'r.yaml', text: same }, ctx({ ...release, digest: DIGEST })).text).toBe(helm(`    image: {repository: ghcr.io/acme/app, tag: 1.1.0@${DIGEST}}\n`));
  });
});

describe('updateImageReferences: naming variants', () => {
  const helm = (values: string): string =>
    `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  values:\n${values}`;
  it('reads a bare image or name next to a tag in HelmRelease values', () => {
    const text = helm('    a: {image: ghcr.io/acme/app, tag: 1.0.0}\n    b: {name: ghcr.io/acme/app, tag: 1.0.0}\n    c: {name: web, tag: 1.0.0}\n');
    const result = updateImageReferences({ path: 'r.yaml', text }, ctx({ repository: 'ghcr.io/acme/app', tag: '1.1.0' }));
    expect(result.text).toBe(helm('    a: {image: ghcr.io/acme/app, tag: 1.1.0}\n    b: {name: ghcr.io/acme/app, tag: 1.1.0}\n    c: {name: web, tag: 1.0.0}\n'));
    expect(result.changes.map((c) => c.field)).toEqual(['spec.values.a.tag', 'spec.values.b.tag']);
  });
  it('does not claim a tag variable for this release when the name is only variables', () => {
    const text = deployment('${IMAGE_NAME}:${IMAGE_TAG}');
    const result = updateImageReferences({ path: 'd.yaml', text }, ctx({ repository: 'ghcr.io/acme/app', tag: '1.1.0' }));
    expect(result.text).toBe(text);
    expect(result.variables.map((v) => [v.variable, v.role, v.repository])).toEqual([['IMAGE_TAG', 'tag', '']]);
  });
});

describe('updateImageReferences: markers', () => {
  const resolver = (major?: number): FileUpdateContext['policies'] => ({
    marker: (ns, name) => (ns === 'flux-system' && name === 'app' ? { imageName: 'ghcr.io/acme/app', policy: semverPolicy(major) } : undefined),
    forRepository: () => undefined,
  });
  it('writes name, tag and digest like Flux and never downgrades a :name marker past its sibling tag', () => {
    const text = [
      'image:',
      '  repository: ghcr.io/acme/app # {"$imagepolicy": "flux-system:app:name"}',
      '  tag: 1.3.0 # {"$imagepolicy": "flux-system:app:tag"}',
      '',
    ].join('\n');
    const result = updateImageReferences({ path: 'v.yaml', text }, ctx({ repository: 'ghcr.io/acme/app', tag: '1.2.0' }, { policies: resolver() }));
    expect(result.text).toBe(text);
    expect(result.warnings.map((w) => w.code)).toEqual(['not-newer', 'not-newer']);
  });
  it('clears a :digest marker when the release has no digest, as Flux does, and says so', () => {
    const text = `tag: 1.0.0 # {"$imagepolicy": "flux-system:app:tag"}\ndigest: ${OLD} # {"$imagepolicy": "flux-system:app:digest"}\n`;
    const result = updateImageReferences({ path: 'v.yaml', text }, ctx({ repository: 'ghcr.io/acme/app', tag: '1.2.0' }, { policies: resolver() }));
    expect(result.text).toBe('tag: 1.2.0 # {"$imagepolicy": "flux-system:app:tag"}\ndigest: "" # {"$imagepolicy": "flux-system:app:digest"}\n');
    expect(result.changes.map((c) => [c.setter, c.new])).toEqual([
      ['flux-system:app:tag', '1.2.0'],
      ['flux-system:app:digest', ''],
    ]);
    expect(result.warnings.map((w) => w.code)).toEqual(['stale-digest-removed']);
  });
  it('a marked scalar is only changed through its marker, never by the unmarked rules', () => {
    const text = deployment('ghcr.io/acme/app:1.0.0 # {"$imagepolicy": "flux-system:app"}');
    const result = updateImageReferences({ path: 'd.yaml', text }, ctx({ repository: 'ghcr.io/acme/app', tag: '2.0.0', digest: DIGEST }, { policies: resolver(1) }));
    expect(result.text).toBe(text);
    expect(result.changes).toEqual([]);
  });
});

describe('applySetters', () => {
  it('reports a file that does not parse, with its line, and leaves it alone', () => {
    const text = 'a: 1\n  b: [\n';
    const result = applySetters({ path: 'x.yaml', text }, new Map([['a:b', 'v']]));
    expect(result.text).toBe(text);
    expect(result.warnings[0]).toMatchObject({ code: 'yaml-parse-error', file: 'x.yaml' });
    expect(result.warnings[0]!.line).toBeGreaterThan(0);
  });
  it('keeps a leading --- and comments that Flux would drop or move', () => {
    const text = '---\n# head\nx: old # {"$imagepolicy": "a:b:tag"}\n# foot\n';
    const result = applySetters({ path: 'x.yaml', text }, new Map([['a:b:tag', 'new']]));
    expect(result.text).toBe('---\n# head\nx: new # {"$imagepolicy": "a:b:tag"}\n# foot\n');
  });
});

describe('updateImageReferences: refusals name the rule', () => {
  it.each([
    ['3.20', '3.21.1', /3\.21\.1 has 3 numeric parts and 3\.20 has 2: a different tag shape/],
    ['6.14.1', '6.15.0-rc.1', /6\.15\.0-rc\.1 is a prerelease and the current 6\.14\.1 is stable/],
  ])('%s → %s', (current, released, pattern) => {
    const text = deployment(`docker.io/library/alpine:${current}`);
    const result = updateImageReferences({ path: 'd.yaml', text }, ctx({ repository: 'docker.io/library/alpine', tag: released }, { defaultPolicy: defaultReleasePolicy() }));
    expect(result.text).toBe(text);
    expect(result.warnings.map((w) => w.code)).toEqual(['not-newer']);
    expect(result.warnings[0]!.message).toMatch(pattern);
    expect(result.warnings[0]!.message).not.toMatch(/downgrade/);
  });
});
