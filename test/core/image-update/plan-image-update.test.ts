import { fileURLToPath } from 'node:url';
import { readFolder } from '../../support/read-folder.ts';
import { describe, expect, it } from 'vitest';
import { readBuiltinTemplate } from '../../../src/builtin-templates.ts';
import { defaultConfig, parseCourierConfig, type CourierConfig } from '../../../src/core/config/index.ts';
import { buildImageProposal } from '../../../src/core/image-update/image-proposal.ts';
import { COURIER_LABEL } from '../../../src/core/proposal/proposal.ts';
import { parseMetadata } from '../../../src/core/proposal/names.ts';
import { planImageUpdate, PlanError, resolveEnvironment, type ImageUpdatePlan } from '../../../src/core/image-update/plan-image-update.ts';
import { loadImageTemplates } from '../../../src/core/image-update/image-proposal-view.ts';
import type { Release } from '../../../src/core/image-update/release.ts';
import { imageAutomation } from './image-automation-fixture.ts';

const FLEET = fileURLToPath(new URL('../../../examples/fleet', import.meta.url));


function config(text: string): CourierConfig {
  const parsed = parseCourierConfig(text, '.github/courier.yml');
  if (!parsed.ok) throw new Error(`test config invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.config;
}

const fleet = readFolder(FLEET);
const fleetConfig = config(fleet.find((f) => f.path === '.github/courier.yml')!.text);
const textOf = (path: string): string => fleet.find((f) => f.path === path)!.text;

function plan(releases: Release[], environment?: string, files = fleet, cfg = fleetConfig): ImageUpdatePlan {
  return planImageUpdate({ files, config: cfg, releases, ...(environment ? { environment } : {}) });
}

const edited = (p: ImageUpdatePlan): string[] => p.changeSet.edits.map((e) => e.path);
const codes = (p: ImageUpdatePlan): string[] => p.changeSet.warnings.map((w) => w.code);

/** The only differing line pair between two texts (both split keeping line endings). */
function changedLines(before: string, after: string): Array<[string, string]> {
  const a = before.split(/(?<=\n)/);
  const b = after.split(/(?<=\n)/);
  expect(b.length).toBe(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [[line, b[i]!] as [string, string]]));
}

const PODINFO: Release = { repository: 'ghcr.io/stefanprodan/podinfo', tag: '6.6.0' };

describe('a batch holding several releases of one image', () => {
  // 40 podinfo releases in arrival order that is not version order: only 6.6.39 may count.
  const burst: Release[] = Array.from({ length: 40 }, (_, i) => ({ repository: PODINFO.repository, tag: `6.6.${(i * 7) % 40}` }));

  it('plans only the newest release, so every reference and variable ends at the same version', () => {
    const p = plan(burst);
    expect(p.releases).toEqual([{ repository: PODINFO.repository, tag: '6.6.39' }]);
    expect(p.changeSet.changes.length).toBeGreaterThan(0);
    expect(new Set(p.changeSet.changes.map((c) => c.new.replace(/^.*:/, '')))).toEqual(new Set(['6.6.39']));
    expect(p.changeSet.edits).toEqual(plan([{ repository: PODINFO.repository, tag: '6.6.39' }]).changeSet.edits);
  });

  it('names that release in the title, body and metadata', () => {
    const proposal = buildImageProposal({ plan: plan(burst), config: fleetConfig, templates: loadImageTemplates(readBuiltinTemplate) });
    expect(proposal.title).toContain('6.6.39');
    expect(parseMetadata(proposal.body)?.images).toEqual([{ repository: PODINFO.repository, tag: '6.6.39' }]);
  });

  it('keeps releases the policy cannot order against each other, and a digest one repeat knows', () => {
    const p = plan([
      { repository: PODINFO.repository, tag: '6.6.0' },
      { repository: PODINFO.repository, tag: '6.6.0-alpine' },
      { repository: PODINFO.repository, tag: '6.6.0', digest: `sha256:${'a'.repeat(64)}` },
    ]);
    expect(p.releases).toEqual([
      { repository: PODINFO.repository, tag: '6.6.0', digest: `sha256:${'a'.repeat(64)}` },
      { repository: PODINFO.repository, tag: '6.6.0-alpine' },
    ]);
  });
});

describe('planImageUpdate on the example fleet', () => {
  it('bumps podinfo in the dev clusters postBuild substitutes only, keeping CRLF byte for byte', () => {
    const p = plan([PODINFO]);
    expect(p.environment).toBe('dev');
    expect(edited(p)).toEqual(['clusters/cloud-dev/podinfo.yaml', 'clusters/munich-dev/podinfo.yaml']);
    for (const edit of p.changeSet.edits) {
      expect(edit.before).toBe(textOf(edit.path));
      expect(changedLines(edit.before, edit.after)).toEqual([
        [edit.before.split(/(?<=\n)/)[15]!, edit.before.split(/(?<=\n)/)[15]!.replace('"6.5.0"', '"6.6.0"')],
      ]);
    }
    const munich = p.changeSet.edits.find((e) => e.path === 'clusters/munich-dev/podinfo.yaml')!;
    expect(munich.before).toContain('\r\n');
    expect(munich.after).toBe(munich.before.replace('PODINFO_VERSION: "6.5.0"  # bumped by Courier\r\n', 'PODINFO_VERSION: "6.6.0"  # bumped by Courier\r\n'));
    expect(munich.after.match(/\r\n/g)!.length).toBe(munich.before.match(/\r\n/g)!.length);
    expect(p.changeSet.changes.map((c) => [c.file, c.line, c.field, c.old, c.new, c.reason])).toEqual([
      ['clusters/cloud-dev/podinfo.yaml', 16, 'spec.postBuild.substitute.PODINFO_VERSION', '6.5.0', '6.6.0', 'postbuild-substitute'],
      ['clusters/munich-dev/podinfo.yaml', 16, 'spec.postBuild.substitute.PODINFO_VERSION', '6.5.0', '6.6.0', 'postbuild-substitute'],
    ]);
    // The app folder itself keeps its variable.
    expect(edited(p)).not.toContain('apps/podinfo/deployment.yaml');
    expect(p.changeSet.warnings).toEqual([]);
  });

  it('with environment prod edits cloud-prod only', () => {
    const p = plan([PODINFO], 'prod');
    expect(p.environment).toBe('prod');
    expect(edited(p)).toEqual(['clusters/cloud-prod/podinfo.yaml']);
    expect(changedLines(p.changeSet.edits[0]!.before, p.changeSet.edits[0]!.after)).toEqual([
      ['      PODINFO_VERSION: "6.4.1"  # bumped by Courier\n', '      PODINFO_VERSION: "6.6.0"  # bumped by Courier\n'],
    ]);
  });

  it('follows the setter marker of the webapp dev overlay through the repo ImagePolicy', () => {
    const p = plan([{ repository: 'ghcr.io/acme/webapp', tag: '1.5.0' }]);
    expect(edited(p)).toEqual(['apps/webapp/overlays/dev/kustomization.yaml']);
    const edit = p.changeSet.edits[0]!;
    expect(changedLines(edit.before, edit.after)).toEqual([
      ['    newTag: 1.4.0 # {"$imagepolicy": "flux-system:webapp:tag"}\n', '    newTag: 1.5.0 # {"$imagepolicy": "flux-system:webapp:tag"}\n'],
    ]);
    expect(p.changeSet.changes).toHaveLength(1);
    expect(p.changeSet.changes[0]).toMatchObject({ line: 8, old: '1.4.0', new: '1.5.0', setter: 'flux-system:webapp:tag', image: 'ghcr.io/acme/webapp' });
    // The shared base's literal tag is overridden by the overlay's `images:`, so it is not news.
    expect(p.changeSet.warnings.filter((w) => w.code === 'shared-file')).toEqual([]);
  });

  it('leaves markers alone when the policy refuses the release (2.0.0 outside >=1.0.0 <2.0.0) and says so', () => {
    const p = plan([{ repository: 'ghcr.io/acme/webapp', tag: '2.0.0' }]);
    expect(p.changeSet.edits).toEqual([]);
    expect(p.changeSet.changes).toEqual([]);
    const w = p.changeSet.warnings.find((x) => x.file === 'apps/webapp/overlays/dev/kustomization.yaml');
    expect(w).toBeDefined();
    expect(w!.line).toBe(8);
    expect(w!.message).toContain('2.0.0');
    expect(w!.message).toContain('>=1.0.0 <2.0.0');
  });

  it('bumps the HelmRelease values written as registry + repository + tag', () => {
    const p = plan([{ repository: 'docker.io/bitnami/redis', tag: '7.2.5-debian-12-r0' }]);
    expect(edited(p)).toEqual(['clusters/cloud-dev/redis.yaml', 'clusters/munich-dev/redis.yaml']);
    for (const edit of p.changeSet.edits) {
      const lines = changedLines(edit.before, edit.after);
      expect(lines).toHaveLength(1);
      const [before, after] = lines[0]!;
      expect(before).toMatch(/^ {6}tag: 7\.2\.4-debian-12-r\d+\n$/);
      expect(after).toBe('      tag: 7.2.5-debian-12-r0\n');
      // The chart version is not an image.
      expect(edit.after).toContain('version: "19.6.4"');
    }
    expect(p.changeSet.changes.every((c) => c.reason === 'helm-values' && c.field === 'spec.values.image.tag')).toBe(true);
  });

  it('never downgrades: an older release changes nothing', () => {
    const p = plan([{ repository: 'ghcr.io/stefanprodan/podinfo', tag: '6.4.0' }]);
    expect(p.changeSet.edits).toEqual([]);
    expect(p.changeSet.changes).toEqual([]);
    expect(p.changeSet.warnings.some((w) => w.file === 'clusters/cloud-dev/podinfo.yaml' && /stays at 6\.5\.0: 6\.4\.0 is older than the current 6\.5\.0; Courier never downgrades/.test(w.message))).toBe(true);
  });

  it('returns an empty change set when the release is already present', () => {
    const p = plan([{ repository: 'ghcr.io/stefanprodan/podinfo', tag: '6.5.0' }]);
    expect(p.changeSet).toEqual({ edits: [], changes: [], warnings: [] });
  });

  it('rejects an unknown environment with a PlanError naming the known ones', () => {
    expect(() => plan([PODINFO], 'staging')).toThrow(PlanError);
    expect(() => resolveEnvironment(fleetConfig, 'staging')).toThrow(/unknown environment "staging".*dev, prod/);
    expect(resolveEnvironment(fleetConfig, undefined)).toBe('dev');
    expect(resolveEnvironment(fleetConfig, 'prod')).toBe('prod');
  });
});

describe('planImageUpdate on small inline fleets', () => {
  const twoEnvs = config(`environments:
  - name: dev
    paths: ["clusters/dev/**"]
  - name: prod
    paths: ["clusters/prod/**"]
`);
  const fluxKs = (name: string, path: string, substitute = ''): string => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 10m
  path: ${path}
  sourceRef:
    kind: GitRepository
    name: flux-system
${substitute}`;
  const deployment = (image: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
        - name: app
          image: ${image}
`;

  it('without a config (defaultConfig) treats the whole repository as one environment', () => {
    const files = [
      { path: 'a/deploy.yaml', text: deployment('ghcr.io/acme/app:1.0.0') },
      { path: 'b/deploy.yaml', text: deployment('ghcr.io/acme/app:1.0.0') },
    ];
    const p = plan([{ repository: 'ghcr.io/acme/app', tag: '1.1.0' }], undefined, files, defaultConfig());
    expect(p.environment).toBe('default');
    expect(edited(p)).toEqual(['a/deploy.yaml', 'b/deploy.yaml']);
    expect(p.changeSet.edits[0]!.after).toBe(deployment('ghcr.io/acme/app:1.1.0'));
  });

  it('refuses to edit a literal image in a file two environments deploy, with a shared-file warning', () => {
    const files = [
      { path: 'apps/shared/deploy.yaml', text: deployment('ghcr.io/acme/app:1.0.0') },
      { path: 'clusters/dev/app.yaml', text: fluxKs('app', './apps/shared') },
      { path: 'clusters/prod/app.yaml', text: fluxKs('app', './apps/shared') },
      { path: 'clusters/dev/own.yaml', text: deployment('ghcr.io/acme/app:1.0.0') },
    ];
    const p = plan([{ repository: 'ghcr.io/acme/app', tag: '1.1.0' }], 'dev', files, twoEnvs);
    expect(edited(p)).toEqual(['clusters/dev/own.yaml']);
    const w = p.changeSet.warnings.filter((x) => x.code === 'shared-file');
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ file: 'apps/shared/deploy.yaml', line: 10 });
    expect(w[0]!.message).toContain('dev, prod');
  });

  it('follows plain Kustomize resources: a base only the dev overlay pulls in is dev\'s; one both overlays pull in is shared', () => {
    const overlay = (base: string): string => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../../${base}\n`;
    const files = [
      { path: 'apps/only-dev/deploy.yaml', text: deployment('ghcr.io/acme/app:1.0.0') },
      { path: 'apps/both/deploy.yaml', text: deployment('ghcr.io/acme/app:1.0.0') },
      { path: 'clusters/dev/a/kustomization.yaml', text: overlay('apps/only-dev') },
      { path: 'clusters/dev/b/kustomization.yaml', text: overlay('apps/both') },
      { path: 'clusters/prod/b/kustomization.yaml', text: overlay('apps/both') },
      { path: 'clusters/prod/c/kustomization.yaml', text: 'resources: [\n' },
    ];
    const p = plan([{ repository: 'ghcr.io/acme/app', tag: '1.1.0' }], 'dev', files, twoEnvs);
    expect(edited(p)).toEqual(['apps/only-dev/deploy.yaml']);
    const w = p.changeSet.warnings.filter((x) => x.code === 'shared-file');
    expect(w.map((x) => x.file)).toEqual(['apps/both/deploy.yaml']);
    // Read while following the bases, the broken kustomization file is still reported.
    expect(p.changeSet.warnings.filter((x) => x.code === 'yaml-parse-error').map((x) => x.file)).toEqual(['clusters/prod/c/kustomization.yaml']);
  });

  it('reports a malformed YAML file with file and line and still processes every other file', () => {
    const files = [
      { path: 'clusters/dev/a.yaml', text: deployment('ghcr.io/acme/app:1.0.0') },
      { path: 'clusters/dev/broken.yaml', text: 'kind: Deployment\nspec:\n  image: ghcr.io/acme/app:1.0.0\n  list: [unclosed\n' },
      { path: 'clusters/dev/z.yaml', text: deployment('ghcr.io/acme/app:1.0.0') },
    ];
    const p = plan([{ repository: 'ghcr.io/acme/app', tag: '1.1.0' }], 'dev', files, twoEnvs);
    expect(edited(p)).toEqual(['clusters/dev/a.yaml', 'clusters/dev/z.yaml']);
    const w = p.changeSet.warnings.filter((x) => x.file === 'clusters/dev/broken.yaml');
    expect(w).toHaveLength(1);
    expect(w[0]!.line).toBeGreaterThanOrEqual(4);
    expect(w[0]!.message).toMatch(/YAML/i);
  });

  it('reports an ImagePolicy with a bad semver range as invalid-policy and still updates other images', () => {
    const policies = imageAutomation({ name: 'other', image: 'ghcr.io/acme/other', range: 'not a range >>' });
    const files = [
      { path: 'clusters/dev/policies.yaml', text: policies },
      { path: 'clusters/dev/other.yaml', text: 'image: ghcr.io/acme/other:1.0.0 # {"$imagepolicy": "flux-system:other"}\n' },
      { path: 'clusters/dev/app.yaml', text: deployment('ghcr.io/acme/app:1.0.0') },
    ];
    const p = plan(
      [
        { repository: 'ghcr.io/acme/other', tag: '1.1.0' },
        { repository: 'ghcr.io/acme/app', tag: '1.1.0' },
      ],
      'dev',
      files,
      twoEnvs,
    );
    expect(edited(p)).toEqual(['clusters/dev/app.yaml']);
    const invalid = p.changeSet.warnings.filter((w) => w.code === 'invalid-policy');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]!.file).toBe('clusters/dev/policies.yaml');
  });

  it('warns variable-unset when an app uses a variable no cluster of the environment sets', () => {
    const files = [
      { path: 'apps/x/deploy.yaml', text: deployment('ghcr.io/acme/x:${X_VERSION}') },
      { path: 'clusters/dev/x.yaml', text: fluxKs('x', './apps/x', '  postBuild:\n    substitute:\n      OTHER: "1"\n') },
      { path: 'clusters/prod/x.yaml', text: fluxKs('x', './apps/x', '  postBuild:\n    substitute:\n      X_VERSION: "1.0.0"\n') },
    ];
    const p = plan([{ repository: 'ghcr.io/acme/x', tag: '1.1.0' }], 'dev', files, twoEnvs);
    expect(p.changeSet.edits).toEqual([]);
    const w = p.changeSet.warnings.filter((x) => x.code === 'variable-unset');
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ file: 'apps/x/deploy.yaml', line: 10 });
    expect(w[0]!.message).toContain('X_VERSION');
    // prod does set it: the same release bumps prod's substitute.
    const prod = plan([{ repository: 'ghcr.io/acme/x', tag: '1.1.0' }], 'prod', files, twoEnvs);
    expect(edited(prod)).toEqual(['clusters/prod/x.yaml']);
    expect(prod.changeSet.edits[0]!.after).toContain('X_VERSION: "1.1.0"');
  });

  it('reads a Flux Kustomization that shares its file with a HelmRelease (the model screen skips HelmRelease-only files)', () => {
    const helm = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: cache
spec:
  values:
    image:
      repository: ghcr.io/acme/cache
      tag: 2.0.0
---
`;
    const files = [
      { path: 'apps/x/deploy.yaml', text: deployment('ghcr.io/acme/x:${X_VERSION}') },
      { path: 'clusters/dev/x.yaml', text: helm + fluxKs('x', './apps/x', '  postBuild:\n    substitute:\n      X_VERSION: "1.0.0"\n') },
      { path: 'clusters/dev/cache.yaml', text: helm },
    ];
    const p = plan([{ repository: 'ghcr.io/acme/x', tag: '1.1.0' }], 'dev', files, twoEnvs);
    expect(edited(p)).toEqual(['clusters/dev/x.yaml']);
    expect(p.changeSet.edits[0]!.after).toBe(files[1]!.text.replace('X_VERSION: "1.0.0"', 'X_VERSION: "1.1.0"'));
    const cache = plan([{ repository: 'ghcr.io/acme/cache', tag: '2.1.0' }], 'dev', files, twoEnvs);
    expect(edited(cache)).toEqual(['clusters/dev/cache.yaml', 'clusters/dev/x.yaml']);
  });

  it('honours the ImageRepository exclusion list', () => {
    const policies = imageAutomation({ name: 'app', image: 'ghcr.io/acme/app', range: '>=1.0.0', exclusionList: '["^1\\\\.5\\\\.0$"]' });
    const files = [
      { path: 'clusters/dev/policies.yaml', text: policies },
      { path: 'clusters/dev/app.yaml', text: 'image: ghcr.io/acme/app:1.0.0 # {"$imagepolicy": "flux-system:app"}\n' },
    ];
    const excluded = plan([{ repository: 'ghcr.io/acme/app', tag: '1.5.0' }], 'dev', files, twoEnvs);
    expect(excluded.changeSet.edits).toEqual([]);
    expect(excluded.changeSet.warnings.some((w) => w.file === 'clusters/dev/app.yaml' && w.message.includes('1.5.0'))).toBe(true);
    const allowed = plan([{ repository: 'ghcr.io/acme/app', tag: '1.5.1' }], 'dev', files, twoEnvs);
    expect(allowed.changeSet.edits.map((e) => e.after)).toEqual(['image: ghcr.io/acme/app:1.5.1 # {"$imagepolicy": "flux-system:app"}\n']);
  });
});

describe('buildImageProposal', () => {
  const templates = loadImageTemplates(readBuiltinTemplate);

  it('names the branch after environment and image, carries labels, auto-merge and parseable metadata', () => {
    const cfg = config(`environments:
  - name: dev
    paths: ["clusters/cloud-dev/**", "clusters/munich-dev/**", "apps/webapp/overlays/dev/**"]
    autoMerge: true
  - name: prod
    paths: ["clusters/cloud-prod/**", "apps/webapp/overlays/prod/**"]
pullRequests:
  labels: [images, courier]
  reviewers: [alice]
`);
    const p = plan([PODINFO], undefined, fleet, cfg);
    const proposal = buildImageProposal({ plan: p, config: cfg, templates });
    expect(proposal.branch).toBe('courier/image/dev/ghcr.io-stefanprodan-podinfo');
    expect(proposal.labels).toEqual([COURIER_LABEL, 'images']);
    expect(proposal.reviewers).toEqual(['alice']);
    expect(proposal.autoMerge).toBe(true);
    expect(proposal.commits).toHaveLength(1);
    expect(proposal.commits[0]!.edits.map((e) => e.path)).toEqual(edited(p));
    expect(proposal.title).toContain('6.6.0');
    expect(parseMetadata(proposal.body)).toEqual({
      version: 1,
      kind: 'image',
      environment: 'dev',
      subject: 'ghcr.io/stefanprodan/podinfo',
      images: [{ repository: 'ghcr.io/stefanprodan/podinfo', tag: '6.6.0' }],
    });
    const prod = buildImageProposal({ plan: plan([PODINFO], 'prod', fleet, cfg), config: cfg, templates });
    expect(prod.branch).toBe('courier/image/prod/ghcr.io-stefanprodan-podinfo');
    expect(prod.autoMerge).toBe(false);
  });

  it('has no commits when nothing changes', () => {
    const release = { repository: 'ghcr.io/stefanprodan/podinfo', tag: '6.5.0' };
    const proposal = buildImageProposal({ plan: plan([release]), config: fleetConfig, templates });
    expect(proposal.commits).toEqual([]);
  });
});
