import { describe, expect, it } from 'vitest';
import { updateImageReferences } from '../../../src/core/image-update/index.ts';
import type { FileUpdateContext } from '../../../src/core/image-update/index.ts';
import type { Release } from '../../../src/core/image-update/release.ts';
import { semverPolicy } from './test-policies.ts';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const OLD = `sha256:${'d'.repeat(64)}`;

function ctx(release: Release): FileUpdateContext {
  return { release, defaultPolicy: semverPolicy(), policies: { marker: () => undefined, forRepository: () => undefined } };
}
const ENVOY: Release = { repository: 'mirror.gcr.io/envoyproxy/envoy', tag: 'v1.39.1' };

describe('image fields of any kind', () => {
  it('bumps a key named image in a kind Courier has no rule for, leaving comments alone', () => {
    const text = [
      'apiVersion: gateway.envoyproxy.io/v1alpha1',
      'kind: EnvoyProxy',
      'spec:',
      '  provider:',
      '    kubernetes:',
      '      envoyDeployment:',
      '        container:',
      '          image: mirror.gcr.io/envoyproxy/envoy:v1.39.0',
      '          # image: mirror.gcr.io/envoyproxy/envoy:v1.39.0',
      '',
    ].join('\n');
    const result = updateImageReferences({ path: 'envoy.yaml', text }, ctx(ENVOY));
    expect(result.text).toBe(text.replace('envoy:v1.39.0\n', 'envoy:v1.39.1\n'));
    expect(result.changes.map((c) => [c.line, c.field, c.reason])).toEqual([[8, 'spec.provider.kubernetes.envoyDeployment.container.image', 'image-field']]);
  });

  it('reads keys ending in Image or image, and skips other repositories', () => {
    const text = 'kind: Foo\nspec:\n  sidecarImage: "ghcr.io/acme/app:1.0.0"\n  initimage: ghcr.io/acme/app:1.0.0\n  image: ghcr.io/acme/other:1.0.0\n';
    const result = updateImageReferences({ path: 'foo.yaml', text }, ctx({ repository: 'ghcr.io/acme/app', tag: '1.1.0' }));
    expect(result.text).toBe('kind: Foo\nspec:\n  sidecarImage: "ghcr.io/acme/app:1.1.0"\n  initimage: ghcr.io/acme/app:1.1.0\n  image: ghcr.io/acme/other:1.0.0\n');
  });

  it('records a postBuild variable in the tag of a system-upgrade Plan image', () => {
    const text = 'apiVersion: upgrade.cattle.io/v1\nkind: Plan\nmetadata:\n  name: talos\nspec:\n  upgrade:\n    image: ghcr.io/siderolabs/talosctl:${TALOS_VERSION}\n';
    const result = updateImageReferences({ path: 'plan.yaml', text }, ctx({ repository: 'ghcr.io/siderolabs/talosctl', tag: 'v1.9.4' }));
    expect(result.variables.map((v) => [v.variable, v.role, v.repository, v.field])).toEqual([['TALOS_VERSION', 'tag', 'ghcr.io/siderolabs/talosctl', 'spec.upgrade.image']]);
  });

  it('bumps a JSON6902 patch value that is the released repository with a tag', () => {
    const text = '- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: ghcr.io/acme/app:1.0.0@' + OLD + '\n- op: replace\n  path: /spec/replicas\n  value: 2\n';
    const result = updateImageReferences({ path: 'patches/image.yaml', text }, ctx({ repository: 'ghcr.io/acme/app', tag: '1.1.0', digest: DIGEST }));
    expect(result.text).toBe(text.replace(`1.0.0@${OLD}`, `1.1.0@${DIGEST}`));
    expect(result.changes.map((c) => [c.field, c.reason])).toEqual([['[0].value', 'json6902-patch']]);
  });

  it('finds a value under any key only when it is the released repository with a tag', () => {
    const text = 'kind: ConfigMap\ndata:\n  RUNNER: ghcr.io/acme/app:1.0.0\n  OTHER: ghcr.io/acme/app\n  NOTE: "see ghcr.io/acme/app:1.0.0"\n';
    const result = updateImageReferences({ path: 'cm.yaml', text }, ctx({ repository: 'ghcr.io/acme/app', tag: '1.1.0' }));
    expect(result.text).toBe(text.replace('RUNNER: ghcr.io/acme/app:1.0.0', 'RUNNER: ghcr.io/acme/app:1.1.0'));
    expect(result.changes.map((c) => c.reason)).toEqual(['image-value']);
  });

  it('leaves values inside block scalars and behind aliases untouched, without warnings', () => {
    const text = 'kind: Foo\nspec:\n  script: |\n    image: ghcr.io/acme/app:1.0.0\n  a: &img ghcr.io/acme/app:1.0.0\n  image: *img\n';
    const result = updateImageReferences({ path: 'foo.yaml', text }, ctx({ repository: 'ghcr.io/acme/app', tag: '1.1.0' }));
    expect(result.text).toBe(text.replace('&img ghcr.io/acme/app:1.0.0', '&img ghcr.io/acme/app:1.1.0'));
    expect(result.changes).toHaveLength(1);
    expect(result.warnings).toEqual([]);
  });

  it('bumps repository/tag mappings of a values file outside any HelmRelease, and tag@digest there', () => {
    const text = `image:\n  repository: ghcr.io/acme/app\n  tag: 1.0.0@${OLD}\nworker:\n  image:\n    repository: ghcr.io/acme/app\n    tag: 1.0.0\n`;
    const result = updateImageReferences({ path: 'app/helm-values.yaml', text }, ctx({ repository: 'ghcr.io/acme/app', tag: '1.1.0', digest: DIGEST }));
    expect(result.text).toBe(`image:\n  repository: ghcr.io/acme/app\n  tag: 1.1.0@${DIGEST}\nworker:\n  image:\n    repository: ghcr.io/acme/app\n    tag: 1.1.0\n`);
    expect(result.changes.map((c) => [c.field, c.reason])).toEqual([
      ['image.tag', 'image-mapping'],
      ['worker.image.tag', 'image-mapping'],
    ]);
  });

  it('never downgrades through the new kinds either', () => {
    const text = 'kind: Foo\nspec:\n  image: ghcr.io/acme/app:2.0.0\n';
    const result = updateImageReferences({ path: 'foo.yaml', text }, ctx({ repository: 'ghcr.io/acme/app', tag: '1.1.0' }));
    expect(result.text).toBe(text);
    expect(result.warnings.map((w) => w.code)).toEqual(['not-newer']);
  });
});
