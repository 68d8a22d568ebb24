import { describe, expect, it } from 'vitest';
import { formatCheckRunName, parseCheckRunName } from '../../../src/core/reconcile/check-run-name.ts';

describe('check-run names', () => {
  it('parse back what format makes', () => {
    expect(formatCheckRunName('prod', 'cloud-prod')).toBe('courier/prod/cloud-prod');
    expect(parseCheckRunName(formatCheckRunName('prod', 'cloud-prod'))).toEqual({ environment: 'prod', cluster: 'cloud-prod' });
  });

  it.each(['kustomization/flux-system/0c9c2e41', 'courier/prod', 'courier/a/b/c', 'courier//x'])('does not claim %s', (name) => {
    expect(parseCheckRunName(name)).toBeUndefined();
  });
});
