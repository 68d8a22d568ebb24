import { describe, expect, it } from 'vitest';
import { discoverFluxResources } from '../../src/watch/discovery.ts';
import { KubeApiError, KubeConnection } from '../../src/watch/kube-connection.ts';
import { FakeKubeApi } from './fake-kube-api.ts';

describe('discoverFluxResources', () => {
  it('prefers the server preferred version, falls back to a known one (Flux 0.x v1beta1 included) and reports what is missing', async () => {
    const api = new FakeKubeApi([
      { group: 'kustomize.toolkit.fluxcd.io', versions: ['v1beta2'], preferred: 'v1beta2' },
      { group: 'source.toolkit.fluxcd.io', versions: ['v1beta1'], preferred: 'v1beta1' },
    ]);
    await api.start();
    const conn = new KubeConnection({ server: api.url, token: 'test-token' });
    try {
      const result = await discoverFluxResources((p) => conn.getJson(p));
      expect(result.resources.map((r) => r.path)).toEqual([
        '/apis/kustomize.toolkit.fluxcd.io/v1beta2/kustomizations',
        '/apis/source.toolkit.fluxcd.io/v1beta1/gitrepositories',
      ]);
      expect(result.missing).toEqual([
        'HelmRelease: API group helm.toolkit.fluxcd.io is not served',
        'OCIRepository: none of v1, v1beta2 served (server has v1beta1)',
      ]);
      // One discovery request per group, even with two kinds in it.
      expect(api.requests.filter((r) => r === 'GET /apis/source.toolkit.fluxcd.io')).toHaveLength(1);
    } finally {
      conn.close();
      await api.stop();
    }
  });

  it('passes on errors other than 404', async () => {
    await expect(
      discoverFluxResources(async () => {
        throw new KubeApiError(403, '/apis/kustomize.toolkit.fluxcd.io');
      }),
    ).rejects.toThrow(/HTTP 403/);
  });
});
