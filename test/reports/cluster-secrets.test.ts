import { describe, expect, it } from 'vitest';
import { ClusterSecretsError, loadClusterSecrets, parseClusterSecrets } from '../../src/reports/cluster-secrets.ts';

describe('cluster secrets', () => {
  it('reads a map of cluster → secret', () => {
    expect(parseClusterSecrets('cloud-dev: 0123456789abcdef0123\n"munich-dev": "fedcba9876543210"\n')).toEqual(
      new Map([['cloud-dev', '0123456789abcdef0123'], ['munich-dev', 'fedcba9876543210']]),
    );
    expect(parseClusterSecrets('')).toEqual(new Map());
  });

  it.each([
    ['cloud-dev: short\n', /secrets.yaml:1: secret of cluster "cloud-dev" must be a string of at least 16/],
    ['a: 0123456789abcdef\nb: 12\n', /secrets.yaml:2: secret of cluster "b"/],
    ['- cloud-dev\n', /expected a map/],
    ['a: [\n', /secrets.yaml:\d+: invalid YAML/],
  ])('explains %j without showing secrets', (text, message) => {
    expect(() => parseClusterSecrets(text, 'secrets.yaml')).toThrow(message);
    try {
      parseClusterSecrets(text, 'secrets.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(ClusterSecretsError);
      expect((err as Error).message).not.toContain('0123456789abcdef');
    }
  });

  it('says which file could not be read', () => {
    expect(() => loadClusterSecrets('/nonexistent/secrets.yaml')).toThrow(/\/nonexistent\/secrets.yaml: cannot read COURIER_CLUSTER_SECRETS_FILE \(ENOENT\)/);
  });
});
