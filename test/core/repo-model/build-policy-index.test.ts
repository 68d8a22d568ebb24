import { describe, expect, it } from 'vitest';
import { parseCourierConfig, type CourierConfig } from '../../../src/core/config/index.ts';
import { buildPolicyIndex, buildRepoModel } from '../../../src/core/repo-model/index.ts';
import { CONFIG_YAML, FLEET } from './fleet.ts';

function config(text: string): CourierConfig {
  const result = parseCourierConfig(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

const MODEL = buildRepoModel(FLEET);
const MANIFESTS = 'infrastructure/image-automation/podinfo.yaml';

describe('buildPolicyIndex', () => {
  it('resolves markers through committed ImagePolicy and ImageRepository manifests', () => {
    const index = buildPolicyIndex(MODEL, config(CONFIG_YAML));
    expect(index.marker('flux-system', 'podinfo')).toEqual({
      imageName: 'ghcr.io/stefanprodan/podinfo',
      digestReflectionPolicy: 'IfNotPresent',
      spec: { policy: { semver: { range: '>=6.0.0' } }, filterTags: { pattern: '^(?P<v>[0-9.]+)$', extract: '$v' } },
      exclusionList: ['^.*\\.sig$'],
      from: MANIFESTS,
    });
    // A policy in "apps" pointing at an ImageRepository in another namespace.
    expect(index.marker('apps', 'tool')).toMatchObject({ imageName: 'ghcr.io/acme/tool', spec: { policy: { numerical: { order: 'asc' } } } });
    expect(index.marker('flux-system', 'tool')).toBeUndefined();
    expect(index.marker('other', 'podinfo')).toBeUndefined();
  });

  it('finds the policy of an image repository in any spelling', () => {
    const index = buildPolicyIndex(MODEL, config(CONFIG_YAML));
    expect(index.forRepository('ghcr.io/stefanprodan/podinfo')?.spec.policy).toEqual({ semver: { range: '>=6.0.0' } });
    expect(index.forRepository('ghcr.io/acme/tool')?.from).toBe(MANIFESTS);
    expect(index.forRepository('nginx')).toBeUndefined();
  });

  it('lets images: in config override the manifests, for markers too', () => {
    const index = buildPolicyIndex(
      MODEL,
      config(`${CONFIG_YAML}images:\n  - repository: ghcr.io/stefanprodan/podinfo\n    policy: { semver: { range: "~6.5" } }\n    exclusionList: ["-rc"]\n  - repository: nginx\n    policy: { alphabetical: {} }\n  - repository: ghcr.io/acme/tool\n`),
    );
    expect(index.marker('flux-system', 'podinfo')).toEqual({
      imageName: 'ghcr.io/stefanprodan/podinfo',
      spec: { policy: { semver: { range: '~6.5' } } },
      exclusionList: ['-rc'],
      from: 'config',
    });
    expect(index.forRepository('docker.io/library/nginx')).toEqual({ spec: { policy: { alphabetical: {} } }, from: 'config' });
    // An image listed without a policy keeps the manifest's.
    expect(index.forRepository('ghcr.io/acme/tool')?.from).toBe(MANIFESTS);
  });

  it('ignores the manifests when imagePolicies.fromRepository is false', () => {
    const index = buildPolicyIndex(MODEL, config(`${CONFIG_YAML}imagePolicies: { fromRepository: false }\n`));
    expect(index.marker('flux-system', 'podinfo')).toBeUndefined();
    expect(index.forRepository('ghcr.io/stefanprodan/podinfo')).toBeUndefined();
  });
});
