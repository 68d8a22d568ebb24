import { describe, expect, it } from 'vitest';
import { promotionTemplatesFor } from '../../../src/builtin-templates.ts';
import { parseCourierConfig, type CourierConfig } from '../../../src/core/config/index.ts';
import { planPromotion } from '../../../src/core/promotion/index.ts';
import { syncFolders } from '../../../src/core/promotion/sync-folders.ts';

function config(folders: string): CourierConfig {
  const text = ['environments:', '  - name: dev', '    paths: ["overlays/dev/**"]', '  - name: prod', '    paths: ["overlays/prod/**"]', 'promotion:', '  folders:', folders, ''].join('\n');
  const parsed = parseCourierConfig(text, '.github/courier.yml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}

const deploy = (name: string, replicas = 1): string => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: ${replicas}\n`;
const files = [
  { path: 'overlays/dev/foo/kustomization.yaml', text: 'resources:\n  - deployment.yaml\n  - worker.yaml\n' },
  { path: 'overlays/dev/foo/deployment.yaml', text: deploy('foo', 2) },
  { path: 'overlays/dev/foo/worker.yaml', text: deploy('worker') },
  { path: 'overlays/dev/foo/secret.enc.yaml', text: 'sops: dev\n' },
  { path: 'overlays/dev/foo/replicas-patch.yaml', text: 'dev patch\n' },
  { path: 'overlays/prod/foo/kustomization.yaml', text: 'resources:\n  - deployment.yaml\n  - old.yaml\n' },
  { path: 'overlays/prod/foo/deployment.yaml', text: deploy('foo', 1) },
  { path: 'overlays/prod/foo/old.yaml', text: deploy('old') },
  { path: 'overlays/prod/foo/secret.enc.yaml', text: 'sops: prod\n' },
  { path: 'overlays/prod/foo/replicas-patch.yaml', text: 'prod patch\n' },
  { path: 'overlays/prod/foo/prod-only.enc.yaml', text: 'sops: prod only\n' },
  { path: 'overlays/prod/bar/deployment.yaml', text: deploy('bar') },
];

describe('syncFolders', () => {
  const cfg = config('    - from: overlays/dev/foo\n      to: overlays/prod/foo');

  it('copies changed and new files, carries deletions, keeps per-environment files on both sides', () => {
    const sync = syncFolders(files, cfg, 'dev', 'prod');
    expect(sync.edits).toEqual([
      { path: 'overlays/prod/foo/deployment.yaml', before: deploy('foo', 1), after: deploy('foo', 2) },
      { path: 'overlays/prod/foo/kustomization.yaml', before: 'resources:\n  - deployment.yaml\n  - old.yaml\n', after: 'resources:\n  - deployment.yaml\n  - worker.yaml\n' },
      { path: 'overlays/prod/foo/old.yaml', before: deploy('old'), after: null },
      { path: 'overlays/prod/foo/worker.yaml', before: null, after: deploy('worker') },
    ]);
    expect(sync.files.map((f) => `${f.action} ${f.path}`)).toEqual([
      'update overlays/prod/foo/deployment.yaml',
      'update overlays/prod/foo/kustomization.yaml',
      'delete overlays/prod/foo/old.yaml',
      'create overlays/prod/foo/worker.yaml',
    ]);
    expect(sync.warnings).toEqual([]);
  });

  it('writes nothing once the folders agree (idempotent)', () => {
    const synced = files.flatMap((f) => {
      const edit = syncFolders(files, cfg, 'dev', 'prod').edits.find((e) => e.path === f.path);
      return edit ? (edit.after === null ? [] : [{ path: f.path, text: edit.after }]) : [f];
    });
    synced.push({ path: 'overlays/prod/foo/worker.yaml', text: deploy('worker') });
    expect(syncFolders(synced, cfg, 'dev', 'prod').edits).toEqual([]);
  });

  it('honours a custom exclude list (it replaces the defaults)', () => {
    const custom = config('    - from: overlays/dev/foo\n      to: overlays/prod/foo\n      exclude: ["worker.yaml", "*.enc.yaml", "*-patch.yaml", "old.yaml"]');
    const paths = syncFolders(files, custom, 'dev', 'prod').edits.map((e) => e.path);
    expect(paths).toEqual(['overlays/prod/foo/deployment.yaml', 'overlays/prod/foo/kustomization.yaml']);
  });

  it('applies a folder pair only to its own step, and never syncs an environment root', () => {
    expect(syncFolders(files, cfg, 'prod', 'dev').edits).toEqual([]);
    const root = config('    - from: overlays/dev\n      to: overlays/prod');
    const refused = syncFolders(files, root, 'dev', 'prod');
    expect(refused.edits).toEqual([]);
    expect(refused.warnings).toMatchObject([{ code: 'folder-sync-refused', message: expect.stringMatching(/promotion\.folders\[0\].*overlays\/dev is the root of environment dev/) }]);
    const outside = config('    - from: overlays/dev/foo\n      to: elsewhere/foo');
    expect(syncFolders(files, outside, 'dev', 'prod').warnings).toMatchObject([{ code: 'folder-sync-refused', message: expect.stringMatching(/elsewhere\/foo belongs to no environment/) }]);
  });

  it('syncs files the version engine never parses (scripts, JSON), updating them too', () => {
    const withScripts = [...files, { path: 'overlays/dev/foo/run.sh', text: 'echo new\n' }, { path: 'overlays/prod/foo/run.sh', text: 'echo old\n' }];
    const plan = planPromotion({ files: withScripts, config: cfg, from: 'dev', to: 'prod' });
    expect(plan.changeSet.edits.find((e) => e.path === 'overlays/prod/foo/run.sh')).toEqual({ path: 'overlays/prod/foo/run.sh', before: 'echo old\n', after: 'echo new\n' });
    expect(plan.changeSet.warnings.filter((w) => w.code === 'yaml-parse-error')).toEqual([]);
  });

  it('joins the promotion plan: created and deleted files are edits of the promotion commit', () => {
    const plan = planPromotion({ files, config: cfg, from: 'dev', to: 'prod' });
    expect(plan.changeSet.edits.map((e) => `${e.before === null ? 'A' : e.after === null ? 'D' : 'M'} ${e.path}`)).toEqual([
      'M overlays/prod/foo/deployment.yaml',
      'M overlays/prod/foo/kustomization.yaml',
      'D overlays/prod/foo/old.yaml',
      'A overlays/prod/foo/worker.yaml',
    ]);
    expect(plan.sync.map((f) => f.path)).toContain('overlays/prod/foo/old.yaml');
  });
});

describe('the promotion proposal of a folder sync', () => {
  it('lists every synced file in the body and the commit message', async () => {
    const { buildPromotionProposal } = await import('../../../src/core/promotion/index.ts');
    const cfg = config('    - from: overlays/dev/foo\n      to: overlays/prod/foo');
    const proposal = buildPromotionProposal(planPromotion({ files, config: cfg, from: 'dev', to: 'prod' }), cfg, promotionTemplatesFor([], undefined));
    expect(proposal.title).toBe('Promote dev to prod: 4 synced files');
    expect(proposal.body).toContain('- deleted `overlays/prod/foo/old.yaml` (`overlays/dev/foo/old.yaml` is gone)');
    expect(proposal.body).toContain('- created `overlays/prod/foo/worker.yaml` (from `overlays/dev/foo/worker.yaml`)');
    expect(proposal.commits[0]!.message).toContain('overlays/prod/foo/old.yaml: deleted from overlays/dev/foo/old.yaml');
    expect(proposal.commits[0]!.edits).toHaveLength(4);
  });
});
