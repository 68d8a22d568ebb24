import { fileURLToPath } from 'node:url';
import { readFolder } from '../../support/read-folder.ts';
import { describe, expect, it } from 'vitest';
import { parseCourierConfig } from '../../../src/core/config/index.ts';
import { parseMetadata } from '../../../src/core/proposal/names.ts';
import { buildRollbackProposal, planRollback } from '../../../src/core/promotion/plan-rollback.ts';
import type { RepoFile } from '../../../src/core/repo-model/repo-file.ts';

const FLEET = fileURLToPath(new URL('../../../examples/fleet', import.meta.url));
const good = readFolder(FLEET);
const parsed = parseCourierConfig(good.find((f) => f.path === '.github/courier.yml')!.text, 'x');
if (!parsed.ok) throw new Error('config');
const config = parsed.config;
const OVERLAY = 'apps/webapp/overlays/dev/kustomization.yaml';
const PODINFO = 'clusters/munich-dev/podinfo.yaml';
const edit = (files: RepoFile[], path: string, from: string, to: string): RepoFile[] => files.map((f) => (f.path === path ? { ...f, text: f.text.replace(from, to) } : f));

describe('planRollback', () => {
  const bad = edit(edit(good, OVERLAY, 'newTag: 1.4.0 #', 'newTag: 1.6.0 #'), PODINFO, 'PODINFO_VERSION: "6.5.0"', 'PODINFO_VERSION: "6.6.0"');
  const plan = planRollback({ config, environment: 'dev', files: bad, goodFiles: good, goodCommit: 'a'.repeat(40), reason: 'munich-dev failed to apply 1234567' });

  it('puts back exactly the versions that differ from the last green commit, downgrades included, bytes as they were', () => {
    expect(plan.moves).toEqual([
      { kind: 'image', key: 'ghcr.io/acme/webapp', from: '1.6.0', to: '1.4.0' },
      { kind: 'image', key: 'ghcr.io/stefanprodan/podinfo', from: '6.6.0', to: '6.5.0' },
    ]);
    const byPath = new Map(plan.changeSet.edits.map((e) => [e.path, e]));
    expect([...byPath.keys()].sort()).toEqual([OVERLAY, PODINFO].sort());
    expect(byPath.get(OVERLAY)!.after).toBe(good.find((f) => f.path === OVERLAY)!.text);
    expect(byPath.get(PODINFO)!.after).toBe(good.find((f) => f.path === PODINFO)!.text);
    expect(plan.changeSet.warnings).toEqual([]);
  });

  it('touches no other environment and nothing once rolled back', () => {
    expect(plan.changeSet.edits.every((e) => !e.path.includes('prod'))).toBe(true);
    expect(planRollback({ config, environment: 'dev', files: good, goodFiles: good, goodCommit: 'a'.repeat(40), reason: 'x' }).changeSet.edits).toEqual([]);
  });

  it('dresses it as a proposal on courier/promote/dev/rollback that says why and how to unfreeze', () => {
    const proposal = buildRollbackProposal(plan, { config, environment: 'dev', goodCommit: 'a'.repeat(40), reason: 'munich-dev failed to apply 1234567' });
    expect(proposal.branch).toBe('courier/promote/dev/rollback');
    expect(proposal.title).toBe('Roll back dev to aaaaaaa: 2 versions');
    expect(proposal.body).toContain('because munich-dev failed to apply 1234567');
    expect(proposal.body).toContain('`/courier release dev`');
    expect(parseMetadata(proposal.body)).toMatchObject({ kind: 'promotion', environment: 'dev', subject: 'rollback', rollbackTo: 'a'.repeat(40) });
    expect(proposal.commits[0]!.edits).toHaveLength(2);
  });
});
