import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCourierConfig, type CourierConfig } from '../../../src/core/config/index.ts';
import { buildRepoModel } from '../../../src/core/repo-model/build-repo-model.ts';
import type { RepoFile } from '../../../src/core/repo-model/repo-file.ts';
import { nextCopyFolder, planStage, readWalk, rewritePath, RolloutError, walkOrder, type TreeSide } from '../../../src/core/rollout/index.ts';
import { ROLLOUT_FLEET } from '../../support/rollout-fleet.ts';

function fleetFiles(): RepoFile[] {
  const out: RepoFile[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(ROLLOUT_FLEET, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (rel !== 'SOURCE.md') out.push({ path: rel, text: readFileSync(join(ROLLOUT_FLEET, rel), 'utf8') });
    }
  };
  walk('');
  return out;
}
const side = (files: RepoFile[]): TreeSide => ({ files, paths: files.map((f) => f.path) });
function config(extra = ''): CourierConfig {
  const parsed = parseCourierConfig(readFileSync(join(ROLLOUT_FLEET, '.github/courier.yml'), 'utf8') + extra, '.github/courier.yml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}
const edit = (files: RepoFile[], path: string, change: (t: string) => string): RepoFile[] => files.map((f) => (f.path === path ? { path, text: change(f.text) } : f));
const withFile = (files: RepoFile[], path: string, text: string): RepoFile[] => [...files.filter((f) => f.path !== path), { path, text }];
const bump = (t: string): string => t.replace('newTag: 6.1.0', 'newTag: 6.2.0');

describe('planStage', () => {
  it('copies the changed folder to the next version and puts the folder back as on the base', () => {
    const base = fleetFiles();
    const head = edit(base, 'apps/frontend/kustomization.yaml', bump);
    const plan = planStage({ config: config(), base: side(base), head: side(head) });
    expect(plan.folder).toBe('apps/frontend');
    expect(plan.copy).toBe('apps/frontend-v2');
    expect(plan.copyEdits.map((e) => e.path).sort()).toEqual(['canary.yaml', 'deployment.patch.yaml', 'deployment.yaml', 'hpa.yaml', 'kustomization.yaml'].map((f) => `apps/frontend-v2/${f}`));
    expect(plan.copyEdits.find((e) => e.path === 'apps/frontend-v2/kustomization.yaml')!.after).toBe(head.find((f) => f.path === 'apps/frontend/kustomization.yaml')!.text);
    expect(plan.revertEdits).toEqual([
      { path: 'apps/frontend/kustomization.yaml', before: head.find((f) => f.path === 'apps/frontend/kustomization.yaml')!.text, after: base.find((f) => f.path === 'apps/frontend/kustomization.yaml')!.text },
    ]);
    expect(plan.walk.clusters.map((c) => c.cluster)).toEqual(['staging-1', 'prod-eu', 'prod-us']);
  });

  it('keeps references that leave the folder (a sibling at the same depth resolves them alike)', () => {
    let base = withFile(fleetFiles(), 'components/monitoring/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n');
    base = edit(base, 'apps/frontend/kustomization.yaml', (t) => `${t}components:\n  - ../../components/monitoring\n`);
    const plan = planStage({ config: config(), base: side(base), head: side(edit(base, 'apps/frontend/kustomization.yaml', bump)) });
    expect(plan.copyEdits.find((e) => e.path === 'apps/frontend-v2/kustomization.yaml')!.after).toContain('  - ../../components/monitoring\n');
  });

  it('refuses a folder that another kustomization includes by path, a reference back into the folder, and a copy that would not build', () => {
    const base = fleetFiles();
    const included = withFile(base, 'overlays/extra/kustomization.yaml', 'resources:\n  - ../../apps/frontend\n');
    expect(() => planStage({ config: config(), base: side(included), head: side(edit(included, 'apps/frontend/kustomization.yaml', bump)) })).toThrow(
      /overlays\/extra\/kustomization.yaml \(apps\/frontend\) includes apps\/frontend by path and would keep applying the old folder/,
    );
    const back = edit(base, 'apps/frontend/kustomization.yaml', (t) => t.replace('  - hpa.yaml\n', '  - ../frontend/hpa.yaml\n'));
    expect(() => planStage({ config: config(), base: side(back), head: side(edit(back, 'apps/frontend/kustomization.yaml', bump)) })).toThrow(
      /apps\/frontend-v2\/kustomization.yaml would read apps\/frontend\/hpa.yaml \(a path back into apps\/frontend\)/,
    );
    const missing = edit(base, 'apps/frontend/kustomization.yaml', (t) => bump(t).replace('  - hpa.yaml\n', '  - ../../components/gone\n'));
    expect(() => planStage({ config: config(), base: side(base), head: side(missing) })).toThrow(/reads components\/gone, which does not exist/);
  });

  it('says when there is nothing to stage, or the change is staged already', () => {
    const base = fleetFiles();
    expect(() => planStage({ config: config(), base: side(base), head: side(base), app: 'frontend' })).toThrow('the change edits nothing in apps/frontend: nothing to stage');
    const staged = [...base, ...base.filter((f) => f.path.startsWith('apps/frontend/')).map((f) => ({ path: f.path.replace('apps/frontend/', 'apps/frontend-v2/'), text: f.text }))];
    expect(() => planStage({ config: config(), base: side(base), head: side(staged), app: 'frontend' })).toThrow('already staged: the change leaves apps/frontend as it is and adds apps/frontend-v2');
  });

  it('names copies by rollout.naming, one version above every existing one', () => {
    expect(nextCopyFolder('apps/frontend', ['apps/frontend/a.yaml', 'apps/frontend-v2/a.yaml', 'apps/frontend-v7/a.yaml', 'apps/other-v9/a.yaml'], '{app}-v{n}')).toBe('apps/frontend-v8');
    const base = fleetFiles();
    const plan = planStage({ config: config('rollout:\n  naming: "{app}.r{n}"\n'), base: side(base), head: side(edit(base, 'apps/frontend/kustomization.yaml', bump)) });
    expect(plan.copy).toBe('apps/frontend.r2');
    expect(parseCourierConfig('environments: [{name: a, paths: ["**"]}]\nrollout:\n  naming: "v{n}"\n', 'c.yml').ok).toBe(false);
  });
});

describe('the walk', () => {
  it('is in environment order, or rollout.order first', () => {
    expect(walkOrder(config())).toEqual(['staging-1', 'prod-eu', 'prod-us']);
    expect(walkOrder(config('rollout:\n  order: [prod-us]\n'))).toEqual(['prod-us', 'staging-1', 'prod-eu']);
    expect(parseCourierConfig('environments: [{name: a, clusters: [x], paths: ["**"]}]\nrollout:\n  order: [y]\n', 'c.yml')).toMatchObject({ ok: false, problems: [{ path: 'rollout.order[0]', line: 3 }] });
  });

  it('refuses a Kustomization applying the app that no configured cluster owns', () => {
    const files = withFile(fleetFiles(), 'clusters/lab/frontend.yaml', readFileSync(join(ROLLOUT_FLEET, 'clusters/staging-1/frontend.yaml'), 'utf8'));
    const model = buildRepoModel(files);
    expect(() => readWalk(model, config(), 'apps/frontend')).toThrow(RolloutError);
    expect(() => readWalk(model, config(), 'apps/frontend')).toThrow(/clusters\/lab\/frontend.yaml:1 \(Kustomization frontend\) applies frontend but no configured cluster owns that file/);
  });

  it('writes the new path in the style of the old one', () => {
    expect(rewritePath('./apps/frontend', 'apps/frontend', 'apps/frontend-v2')).toBe('./apps/frontend-v2');
    expect(rewritePath('apps/frontend/', 'apps/frontend', 'apps/frontend-v2')).toBe('apps/frontend-v2/');
    expect(rewritePath('./apps/frontend/overlays/prod', 'apps/frontend', 'apps/frontend-v2')).toBe('./apps/frontend-v2/overlays/prod');
  });
});
