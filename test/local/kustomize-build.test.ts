/**
 * The repo keeps building: `kubectl kustomize` on every cluster and overlay root of the example fleet,
 * before and after a bump of each image, the bump branch checked out into a git worktree.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExampleRepo } from '../../src/local/demo.ts';
import { runImageUpdate, type LocalImageUpdateResult } from '../../src/local/run-image-update.ts';

const run = promisify(execFile);
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!hasKubectl) console.warn('kustomize-build.test.ts: kubectl not found on PATH, the kustomize build checks are skipped');
const itBuilds = hasKubectl ? it : it.skip;

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Every kustomize root of the example fleet: each cluster, each app root and overlay, the infrastructure. */
function roots(dir: string): string[] {
  const sub = (folder: string): string[] => readdirSync(join(dir, folder)).sort().map((name) => `${folder}/${name}`);
  const list = [...sub('clusters'), 'apps/podinfo', ...sub('apps/webapp/overlays'), 'infrastructure/redis'];
  for (const root of list) expect(existsSync(join(dir, root, 'kustomization.yaml')), `${root} has a kustomization.yaml`).toBe(true);
  return list;
}

async function buildAll(dir: string, list: readonly string[]): Promise<Map<string, string>> {
  const outputs = await Promise.all(list.map((root) => run('kubectl', ['kustomize', root], { cwd: dir, maxBuffer: 16 * 1024 * 1024 })));
  return new Map(list.map((root, i) => [root, outputs[i]!.stdout]));
}

const BUMPS = [
  { image: 'ghcr.io/stefanprodan/podinfo:6.6.0', changedRoots: ['clusters/cloud-dev', 'clusters/munich-dev'] },
  { image: 'ghcr.io/acme/webapp:1.5.0', changedRoots: ['apps/webapp/overlays/dev'] },
  { image: 'docker.io/bitnami/redis:7.2.5-debian-12-r0', changedRoots: ['clusters/cloud-dev', 'clusters/munich-dev'] },
];

describe(`kubectl kustomize on the example fleet before and after a bump${hasKubectl ? '' : ' (skipped: kubectl not found on PATH)'}`, () => {
  let dir: string;
  let list: string[];
  let before: Map<string, string>;
  beforeAll(async () => {
    if (!hasKubectl) return;
    const root = mkdtempSync(join(tmpdir(), 'courier-kustomize-'));
    temps.push(root);
    dir = await createExampleRepo(join(root, 'repo'));
    list = roots(dir);
    before = await buildAll(dir, list);
  });

  itBuilds('every root builds before any bump', () => {
    expect(list).toHaveLength(7);
    for (const [root, out] of before) expect(out, root).toMatch(/^apiVersion: /m);
  });

  for (const bump of BUMPS) {
    itBuilds(`after bumping ${bump.image} every root builds and differs only in the bumped values`, async () => {
      const result: LocalImageUpdateResult = await runImageUpdate({ dir, image: bump.image, write: true });
      expect(result.branch).toBeDefined();
      const changes = result.proposal.changeSet.changes;
      expect(changes.length).toBeGreaterThan(0);
      const worktree = join(dir, '..', `wt-${result.branch!.commit.slice(0, 12)}`);
      execFileSync('git', ['worktree', 'add', '--quiet', '--detach', worktree, result.branch!.name], { cwd: dir });
      try {
        const after = await buildAll(worktree, list);
        const changedRoots: string[] = [];
        for (const root of list) {
          const a = before.get(root)!.split('\n');
          const b = after.get(root)!.split('\n');
          expect(b.length, root).toBe(a.length);
          const differing = a.flatMap((line, i) => (line === b[i] ? [] : [[line, b[i]!] as const]));
          if (differing.length > 0) changedRoots.push(root);
          for (const [old, now] of differing) {
            // Every changed line is an old value of a change record replaced by its new value, nothing else.
            const explained = changes.some((c) => old.includes(c.old) && now === old.replace(c.old, c.new));
            expect(explained, `${root}: "${old}" → "${now}"`).toBe(true);
          }
        }
        expect(changedRoots).toEqual(bump.changedRoots);
        // And every new value made it into some build.
        for (const c of changes) expect([...after.values()].some((out) => out.includes(c.new)), c.new).toBe(true);
      } finally {
        execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: dir });
      }
    });
  }
});
