/**
 * The drift report of a promotion PR: what differs between two environments for the same components
 * and does not move. Run on fluxcd/flux2-kustomize-helm-example (test/fixtures/real-fleet, SOURCE.md
 * there), whose staging and production overlays patch the same HelmRelease differently.
 */
import { fileURLToPath } from 'node:url';
import { readFolder } from '../../support/read-folder.ts';
import { describe, expect, it } from 'vitest';
import { promotionTemplatesFor } from '../../../src/builtin-templates.ts';
import { parseCourierConfig, type CourierConfig } from '../../../src/core/config/index.ts';
import { driftReport } from '../../../src/core/promotion/drift-report.ts';

const ROOT = fileURLToPath(new URL('../../fixtures/real-fleet/fluxcd-flux2-kustomize-helm-example/original', import.meta.url));
function config(text: string): CourierConfig {
  const parsed = parseCourierConfig(text, '.github/courier.yml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}
const cfg = config('environments:\n  - name: staging\n    paths: ["apps/staging/**", "clusters/staging/**"]\n  - name: production\n    paths: ["apps/production/**", "clusters/production/**"]\n');

describe('driftReport', () => {
  it('lists the HelmRelease settings two environments set differently, version fields left to the moves', () => {
    const report = driftReport(readFolder(ROOT), cfg, 'staging', 'production');
    expect(report.values).toEqual([
      { release: 'podinfo/podinfo', field: 'spec.test.enable', from: 'false', to: '(unset)' },
      { release: 'podinfo/podinfo', field: 'spec.values.httpRoute.hostnames[0]', from: 'podinfo.staging', to: 'podinfo.production' },
    ]);
  });

  it('lists files of one environment whose counterpart folder in the other lacks them', () => {
    const files = [
      ...readFolder(ROOT),
      { path: 'apps/staging/debug-patch.yaml', text: 'kind: Deployment\n' },
      { path: 'apps/production/pdb.yaml', text: 'kind: PodDisruptionBudget\n' },
    ];
    const report = driftReport(files, cfg, 'staging', 'production');
    expect(report.files).toEqual([
      { path: 'apps/staging/debug-patch.yaml', onlyIn: 'staging', counterpart: 'apps/production/debug-patch.yaml' },
      { path: 'apps/production/pdb.yaml', onlyIn: 'production', counterpart: 'apps/staging/pdb.yaml' },
    ]);
  });

  it('never prints a long value whole, and says nothing when the environments agree', () => {
    const release = (host: string): string => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  chart:\n    spec:\n      chart: app\n      version: 1.0.0\n  values:\n    note: "${host}"\n    image:\n      tag: 1.2.3\n`;
    const long = 'x'.repeat(200);
    const files = [{ path: 'apps/staging/hr.yaml', text: release(long) }, { path: 'apps/production/hr.yaml', text: release('short').replace('1.2.3', '1.2.0').replace('1.0.0', '0.9.0') }];
    const report = driftReport(files, cfg, 'staging', 'production');
    expect(report.values).toEqual([{ release: 'app', field: 'spec.values.note', from: `${'x'.repeat(39)}…`, to: 'short' }]);
    expect(driftReport([files[0]!, { path: 'apps/production/hr.yaml', text: release(long) }], cfg, 'staging', 'production')).toEqual({ values: [], files: [] });
  });
});

describe('drift in the promotion PR body', () => {
  it('shows the settings table and the one-sided files beside the entries only one side pins', async () => {
    const { buildPromotionProposal, planPromotion } = await import('../../../src/core/promotion/index.ts');
    const plan = planPromotion({ files: readFolder(ROOT), config: cfg, from: 'staging', to: 'production' });
    const body = buildPromotionProposal(plan, cfg, promotionTemplatesFor([], undefined)).body;
    expect(body).toContain('### Drift (does not move)');
    expect(body).toContain('| `podinfo/podinfo` | `spec.values.httpRoute.hostnames[0]` | podinfo.staging | podinfo.production |');
  });
});
