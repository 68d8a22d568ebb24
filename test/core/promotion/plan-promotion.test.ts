import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFolder } from '../../support/read-folder.ts';
import { describe, expect, it } from 'vitest';
import { promotionTemplatesFor } from '../../../src/builtin-templates.ts';
import { parseCourierConfig, type CourierConfig } from '../../../src/core/config/index.ts';
import { PlanError } from '../../../src/core/image-update/plan-image-update.ts';
import { parseMetadata } from '../../../src/core/proposal/names.ts';
import { buildPromotionProposal, planPromotion, readInventory } from '../../../src/core/promotion/index.ts';
import type { RepoFile } from '../../../src/core/repo-model/repo-file.ts';

const FLEET = fileURLToPath(new URL('../../../examples/fleet', import.meta.url));


function config(text: string): CourierConfig {
  const parsed = parseCourierConfig(text, '.github/courier.yml');
  if (!parsed.ok) throw new Error(`test config invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.config;
}

const fleet = readFolder(FLEET);
const fleetConfig = config(fleet.find((f) => f.path === '.github/courier.yml')!.text);
const withEdits = (files: readonly RepoFile[], edits: readonly { path: string; after: string | null }[]): RepoFile[] =>
  files.map((f) => ({ path: f.path, text: edits.find((e) => e.path === f.path)?.after ?? f.text }));

describe('readInventory', () => {
  it('reads what each environment of the example fleet pins, through Kustomize images', () => {
    const dev = readInventory(fleet, fleetConfig, 'dev');
    const prod = readInventory(fleet, fleetConfig, 'prod');
    expect(dev.images.get('ghcr.io/acme/webapp')?.tag).toBe('1.4.0');
    expect(prod.images.get('ghcr.io/acme/webapp')?.tag).toBe('1.3.2');
    expect(dev.images.get('ghcr.io/stefanprodan/podinfo')).toMatchObject({ tag: '6.5.0', sites: [{ file: 'clusters/cloud-dev/podinfo.yaml', field: 'spec.postBuild.substitute.PODINFO_VERSION' }, { file: 'clusters/munich-dev/podinfo.yaml' }] });
    expect(prod.images.get('ghcr.io/stefanprodan/podinfo')?.tag).toBe('6.4.1');
    expect(prod.images.get('ghcr.io/acme/webapp')?.sites[0]).toMatchObject({ file: 'apps/webapp/overlays/prod/kustomization.yaml', field: 'images[0].newTag' });
  });
});

describe('planPromotion on the example fleet', () => {
  const plan = planPromotion({ files: fleet, config: fleetConfig, from: 'dev', to: 'prod' });

  it("makes prod's overlay pin dev's versions, changing only the values' bytes", () => {
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(['apps/webapp/overlays/prod/kustomization.yaml', 'clusters/cloud-prod/podinfo.yaml', 'clusters/cloud-prod/redis.yaml']);
    const redis = plan.changeSet.edits[2]!;
    const podinfo = plan.changeSet.edits[1]!;
    // The postBuild variable feeding podinfo's tag moves; CLUSTER_NAME beside it does not.
    expect(podinfo.after).toBe(podinfo.before!.replace('PODINFO_VERSION: "6.4.1"', 'PODINFO_VERSION: "6.5.0"'));
    expect(podinfo.after).toContain('CLUSTER_NAME: cloud-prod');
    expect(redis.after).toBe(redis.before!.replace('tag: 7.2.4-debian-12-r2', 'tag: 7.2.4-debian-12-r9'));
    const edit = plan.changeSet.edits[0]!;
    expect(edit.after).toBe(
      edit.before!
        .replace('newTag: 1.3.2 # {"$imagepolicy": "flux-system:webapp:tag"}', 'newTag: 1.4.0 # {"$imagepolicy": "flux-system:webapp:tag"}')
        .replace('newTag: "1.3.2"', 'newTag: "1.4.0"'),
    );
    expect(edit.after).not.toBe(edit.before);
  });

  it('is idempotent: planning again on the promoted tree writes nothing', () => {
    const again = planPromotion({ files: withEdits(fleet, plan.changeSet.edits), config: fleetConfig, from: 'dev', to: 'prod' });
    expect(again.diff.moves.filter((m) => m.kind === 'image')).toEqual([]);
    expect(again.changeSet.edits).toEqual([]);
  });

  it('dresses the plan as a promotion proposal on courier/promote/prod/dev', () => {
    const proposal = buildPromotionProposal(plan, fleetConfig, promotionTemplatesFor([], undefined));
    expect(proposal.branch).toBe('courier/promote/prod/dev');
    expect(proposal.kind).toBe('promotion');
    expect(proposal.commits).toHaveLength(1);
    expect(proposal.body).toContain('| image | `ghcr.io/acme/webapp` | 1.3.2 | 1.4.0 |');
    expect(parseMetadata(proposal.body)).toMatchObject({ kind: 'promotion', environment: 'prod', subject: 'dev' });
  });

  it('refuses an unknown environment or a step backwards, naming the known ones', () => {
    expect(() => planPromotion({ files: fleet, config: fleetConfig, from: 'dev', to: 'staging' })).toThrow(PlanError);
    expect(() => planPromotion({ files: fleet, config: fleetConfig, from: 'dev', to: 'staging' })).toThrow(/unknown environment "staging".*dev, prod/);
    expect(() => planPromotion({ files: fleet, config: fleetConfig, from: 'prod', to: 'dev' })).toThrow(/does not come after.*dev, prod/);
  });
});

describe('diff rules', () => {
  const cfg = config(['environments:', '  - name: dev', '    paths: ["dev/**"]', '  - name: prod', '    paths: ["prod/**"]', ''].join('\n'));
  const deployment = (image: string): string =>
    ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: app', 'spec:', '  template:', '    spec:', '      containers:', '        - name: app', `          image: ${image}`, ''].join('\n');
  const release = (version: string, chart = 'podinfo'): string =>
    ['apiVersion: helm.toolkit.fluxcd.io/v2', 'kind: HelmRelease', 'metadata:', '  name: podinfo', 'spec:', '  chart:', '    spec:', `      chart: ${chart}`, `      version: "${version}" # pinned`, '      sourceRef:', '        kind: HelmRepository', '        name: podinfo', '  values:', '    replicaCount: 3', ''].join('\n');

  it('never downgrades: a newer version already in prod stays, with a warning naming the entry', () => {
    const files = [{ path: 'dev/app.yaml', text: deployment('ghcr.io/acme/app:1.2.0') }, { path: 'prod/app.yaml', text: deployment('ghcr.io/acme/app:1.3.0') }];
    const plan = planPromotion({ files, config: cfg, from: 'dev', to: 'prod' });
    expect(plan.changeSet.edits).toEqual([]);
    expect(plan.changeSet.warnings.map((w) => w.message).join('\n')).toMatch(/ghcr\.io\/acme\/app: prod already runs 1\.3\.0, newer than dev's 1\.2\.0/);
  });

  it('never invents entries present in one environment only, and lists them as drift', () => {
    const files = [
      { path: 'dev/app.yaml', text: deployment('ghcr.io/acme/app:1.2.0') },
      { path: 'dev/extra.yaml', text: deployment('ghcr.io/acme/extra:2.0.0') },
      { path: 'prod/app.yaml', text: deployment('ghcr.io/acme/app:1.1.0') },
    ];
    const plan = planPromotion({ files, config: cfg, from: 'dev', to: 'prod' });
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(['prod/app.yaml']);
    expect(plan.changeSet.edits[0]!.after).toBe(deployment('ghcr.io/acme/app:1.2.0'));
    expect(plan.diff.onlyIn).toEqual([{ environment: 'dev', kind: 'image', key: 'ghcr.io/acme/extra', version: '2.0.0' }]);
    expect(buildPromotionProposal(plan, cfg, promotionTemplatesFor([], undefined)).body).toContain('only in dev');
  });

  it('moves a HelmRelease chart version byte-minimally and leaves other values alone', () => {
    const files = [{ path: 'dev/hr.yaml', text: release('6.5.0').replace('replicaCount: 3', 'replicaCount: 1') }, { path: 'prod/hr.yaml', text: release('6.4.1') }];
    const plan = planPromotion({ files, config: cfg, from: 'dev', to: 'prod' });
    expect(plan.changeSet.edits).toHaveLength(1);
    expect(plan.changeSet.edits[0]!.after).toBe(release('6.5.0'));
    expect(plan.changeSet.changes).toMatchObject([{ file: 'prod/hr.yaml', line: 9, old: '6.4.1', new: '6.5.0', field: 'spec.chart.spec.version' }]);
  });

  it('moves an image digest together with its tag', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const files = [{ path: 'dev/app.yaml', text: deployment(`ghcr.io/acme/app:1.2.0@${digest}`) }, { path: 'prod/app.yaml', text: deployment(`ghcr.io/acme/app:1.1.0@sha256:${'b'.repeat(64)}`) }];
    const plan = planPromotion({ files, config: cfg, from: 'dev', to: 'prod' });
    expect(plan.changeSet.edits[0]?.after).toBe(deployment(`ghcr.io/acme/app:1.2.0@${digest}`));
  });
});

describe('chartRef OCI charts', () => {
  const cfg = config(['environments:', '  - name: dev', '    paths: ["dev/**"]', '  - name: prod', '    paths: ["prod/**"]', ''].join('\n'));
  // The shape onedr0p/home-ops and bjw-s app-template users commit: an OCIRepository beside the HelmRelease.
  const release = ['---', 'apiVersion: helm.toolkit.fluxcd.io/v2', 'kind: HelmRelease', 'metadata:', '  name: &app atuin', 'spec:', '  interval: 1h', '  chartRef:', '    kind: OCIRepository', '    name: app-template', '  values:', '    replicas: 1', ''].join('\n');
  const oci = (tag: string, url = 'oci://ghcr.io/bjw-s-labs/helm/app-template'): string =>
    ['---', 'apiVersion: source.toolkit.fluxcd.io/v1', 'kind: OCIRepository', 'metadata:', '  name: app-template', 'spec:', '  interval: 15m', '  layerSelector:', '    mediaType: application/vnd.cncf.helm.chart.content.v1.tar+gzip', '    operation: copy', '  ref:', `    tag: ${tag} # chart`, `  url: ${url}`, ''].join('\n');

  it("reads a HelmRelease's chartRef as the OCIRepository's ref.tag, keyed by release and chart URL", () => {
    const files = [{ path: 'dev/atuin/helmrelease.yaml', text: release }, { path: 'dev/atuin/ocirepository.yaml', text: oci('4.2.0') }];
    const dev = readInventory(files, cfg, 'dev');
    expect([...dev.charts.values()]).toEqual([{ key: 'atuin/oci://ghcr.io/bjw-s-labs/helm/app-template', chart: 'oci://ghcr.io/bjw-s-labs/helm/app-template', version: '4.2.0', ociRepository: 'app-template', sites: [{ file: 'dev/atuin/ocirepository.yaml', line: 12, field: 'spec.ref.tag' }] }]);
  });

  it('promotes the chart by editing only the tag of the OCIRepository the HelmRelease refers to', () => {
    const files = [
      { path: 'dev/atuin/helmrelease.yaml', text: release },
      { path: 'dev/atuin/ocirepository.yaml', text: oci('4.2.0') },
      { path: 'prod/atuin/helmrelease.yaml', text: release },
      { path: 'prod/atuin/ocirepository.yaml', text: oci('4.1.1') },
    ];
    const plan = planPromotion({ files, config: cfg, from: 'dev', to: 'prod' });
    expect(plan.changeSet.edits).toEqual([{ path: 'prod/atuin/ocirepository.yaml', before: oci('4.1.1'), after: oci('4.2.0') }]);
    expect(plan.changeSet.changes).toMatchObject([{ file: 'prod/atuin/ocirepository.yaml', line: 12, field: 'spec.ref.tag', old: '4.1.1', new: '4.2.0', reason: 'chart-version' }]);
    const again = planPromotion({ files: withEdits(files, plan.changeSet.edits), config: cfg, from: 'dev', to: 'prod' });
    expect(again.changeSet.edits).toEqual([]);
  });

  it('does not pair charts from different registries, and leaves a semver range alone', () => {
    const files = [
      { path: 'dev/atuin/helmrelease.yaml', text: release },
      { path: 'dev/atuin/ocirepository.yaml', text: oci('4.2.0', 'oci://ghcr.io/acme/charts/app-template') },
      { path: 'prod/atuin/helmrelease.yaml', text: release },
      { path: 'prod/atuin/ocirepository.yaml', text: oci('4.1.1') },
    ];
    const plan = planPromotion({ files, config: cfg, from: 'dev', to: 'prod' });
    expect(plan.changeSet.edits).toEqual([]);
    expect(plan.diff.onlyIn.map((o) => o.key).sort()).toEqual(['atuin/oci://ghcr.io/acme/charts/app-template', 'atuin/oci://ghcr.io/bjw-s-labs/helm/app-template']);
    const ranged = oci('4.2.0').replace('    tag: 4.2.0 # chart', '    semver: ">=4.0.0"');
    expect(readInventory([{ path: 'dev/atuin/helmrelease.yaml', text: release }, { path: 'dev/atuin/ocirepository.yaml', text: ranged }], cfg, 'dev').charts.size).toBe(0);
  });
});

describe('rejected versions', () => {
  it('never promotes a rejected version, and says how to lift the rejection', () => {
    const plan = planPromotion({ files: fleet, config: fleetConfig, from: 'dev', to: 'prod', rejected: [{ subject: 'ghcr.io/acme/webapp', version: '1.4.0' }] });
    expect(plan.diff.moves.map((m) => m.key)).not.toContain('ghcr.io/acme/webapp');
    const overlay = plan.changeSet.edits.find((e) => e.path === 'apps/webapp/overlays/prod/kustomization.yaml')!;
    expect(overlay.after).toContain('newTag: 1.3.2 # {"$imagepolicy": "flux-system:webapp:tag"}'); // webapp stays
    expect(overlay.after).toContain('newTag: "1.4.0"'); // webapp-migrations moves
    expect(plan.changeSet.warnings.find((w) => w.code === 'promotion-rejected')?.message).toMatch(/\/courier release ghcr\.io\/acme\/webapp:1\.4\.0/);
  });
});
