import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/core/config/index.ts';
import { planImageUpdate } from '../../../src/core/image-update/plan-image-update.ts';
import type { RepoFile } from '../../../src/core/repo-model/repo-file.ts';

const app = (image: string): RepoFile => ({
  path: 'apps/a/deploy.yaml',
  text: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: ${image}\n`,
});
const cluster = (name: string, substitute: Record<string, string>): RepoFile => ({
  path: `clusters/${name}/a.yaml`,
  text: `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: a\n  namespace: flux-system\nspec:\n  path: ./apps/a\n  postBuild:\n    substitute:\n${Object.entries(substitute)
    .map(([k, v]) => `      ${k}: "${v}"\n`)
    .join('')}`,
});

describe('postBuild variables across files', () => {
  it('bumps the tag variable only in clusters whose registry variable names the released image', () => {
    const files = [app('${REG}/acme/a:${TAG}'), cluster('c1', { REG: 'ghcr.io', TAG: '1.0.0' }), cluster('c2', { REG: 'quay.io', TAG: '1.0.0' })];
    const plan = planImageUpdate({ files, config: defaultConfig(), releases: [{ repository: 'ghcr.io/acme/a', tag: '1.1.0' }] });
    expect(plan.changeSet.changes.map((c) => [c.file, c.old, c.new])).toEqual([['clusters/c1/a.yaml', '1.0.0', '1.1.0']]);
    expect(plan.changeSet.edits.map((e) => e.path)).toEqual(['clusters/c1/a.yaml']);
  });

  it('keeps a literal prefix of the tag and refuses tags that do not fit it', () => {
    const files = [app('ghcr.io/acme/a:v${VERSION}'), cluster('c1', { VERSION: '1.0.0' })];
    const ok = planImageUpdate({ files, config: defaultConfig(), releases: [{ repository: 'ghcr.io/acme/a', tag: 'v1.2.0' }] });
    expect(ok.changeSet.edits[0]!.after).toContain('VERSION: "1.2.0"');
    const refused = planImageUpdate({ files, config: defaultConfig(), releases: [{ repository: 'ghcr.io/acme/a', tag: '1.2.0' }] });
    expect(refused.changeSet.edits).toEqual([]);
    expect(refused.changeSet.warnings.map((w) => w.code)).toContain('policy-refused');
  });

  it('replaces a whole-image variable when it holds the released repository', () => {
    const files = [app('${IMAGE}'), cluster('c1', { IMAGE: 'ghcr.io/acme/a:1.0.0' }), cluster('c2', { IMAGE: 'ghcr.io/acme/b:1.0.0' })];
    const plan = planImageUpdate({ files, config: defaultConfig(), releases: [{ repository: 'ghcr.io/acme/a', tag: '1.0.1' }] });
    expect(plan.changeSet.changes.map((c) => [c.file, c.new])).toEqual([['clusters/c1/a.yaml', 'ghcr.io/acme/a:1.0.1']]);
  });

  it('edits each of two same-named Kustomizations in different namespaces of one file', () => {
    const one = cluster('c1', { TAG: '1.0.0' }).text;
    const text = `${one}---\n${one.replace('namespace: flux-system', 'namespace: tenant-b').replace('"1.0.0"', '"1.0.5"')}`;
    const files = [app('ghcr.io/acme/a:${TAG}'), { path: 'clusters/c1/a.yaml', text }];
    const plan = planImageUpdate({ files, config: defaultConfig(), releases: [{ repository: 'ghcr.io/acme/a', tag: '1.1.0' }] });
    expect(plan.changeSet.changes.map((c) => [c.line, c.object?.namespace, c.old, c.new])).toEqual([
      [10, 'flux-system', '1.0.0', '1.1.0'],
      [21, 'tenant-b', '1.0.5', '1.1.0'],
    ]);
    expect(plan.changeSet.edits[0]!.after).toBe(text.replace('"1.0.0"', '"1.1.0"').replace('"1.0.5"', '"1.1.0"'));
  });

  it('never downgrades a variable', () => {
    const files = [app('ghcr.io/acme/a:${TAG}'), cluster('c1', { TAG: '2.0.0' })];
    const plan = planImageUpdate({ files, config: defaultConfig(), releases: [{ repository: 'ghcr.io/acme/a', tag: '1.9.0' }] });
    expect(plan.changeSet.edits).toEqual([]);
    expect(plan.changeSet.warnings.map((w) => w.code)).toEqual(['not-newer']);
  });
});
