/**
 * The image job through the runner and the one write path, against the in-memory GitHub: late,
 * replayed and narrower releases must neither roll an open PR back nor open a second PR for an image.
 */
import { Octokit } from '@octokit/core';
import { describe, expect, it } from 'vitest';
import type { JobTarget } from '../../src/app-deps.ts';
import { parseMetadata } from '../../src/core/proposal/names.ts';
import type { RepoFile } from '../../src/core/repo-model/repo-file.ts';
import type { CloneCache } from '../../src/git/clone-cache.ts';
import { createImageJob } from '../../src/jobs/image-job.ts';
import { runJob } from '../../src/jobs/job-runner.ts';
import { FakeGitHub } from '../github/fake-github.ts';
import { useStrictNock } from '../support/strict-nock.ts';

useStrictNock();

const deployment = (name: string, image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${name}\n          image: ${image}\n`;
const BASE: Record<string, string> = {
  'clusters/dev/a.yaml': deployment('a', 'ghcr.io/acme/a:1.0.0'),
  'clusters/dev/b.yaml': deployment('b', 'ghcr.io/acme/b:2.0.0'),
};
const CONFIG = { environments: [{ name: 'dev', clusters: ['dev'], paths: ['clusters/dev/**'] }] };

function setup() {
  const gh = new FakeGitHub(BASE);
  gh.serve();
  const files: RepoFile[] = Object.entries(BASE).map(([path, text]) => ({ path, text }));
  const cloneCache = {
    withCheckout: async (_h: unknown, _r: unknown, fn: (co: unknown) => Promise<unknown>) =>
      fn({ sha: gh.refs.get('main'), readFiles: async () => ({ files, skipped: [] }) }),
  } as unknown as CloneCache;
  const target: JobTarget = {
    octokit: new Octokit({ auth: 'test-token-not-real' }) as unknown as JobTarget['octokit'],
    installationId: 1,
    owner: 'acme',
    repo: 'gitops',
    cloneUrl: 'https://github.com/acme/gitops.git',
    defaultBranch: 'main',
    config: CONFIG,
  };
  const job = createImageJob();
  const run = (...releases: Array<[string, string]>) =>
    runJob(job, target, { kind: 'image', releases: releases.map(([repository, tag]) => ({ repository, tag })) }, {
      cloneCache,
      log: { info: () => undefined, warn: () => undefined },
      now: () => new Date(0),
      retry: { retries: 0 },
    });
  const open = () => gh.prs.filter((p) => p.open).map((p) => ({ branch: p.head, images: parseMetadata(p.body)?.images }));
  const deps = { cloneCache, log: { info: () => undefined, warn: () => undefined }, now: () => new Date(0), retry: { retries: 0 } };
  /** A group commit's later write: `releases` gathered so far, keeping the PR of `first`. */
  const join = (first: Array<[string, string]>, releases: Array<[string, string]>) => {
    const asReleases = (list: Array<[string, string]>) => list.map(([repository, tag]) => ({ repository, tag }));
    return runJob(job, target, { kind: 'image', releases: asReleases(releases), keepBranchOf: asReleases(first) }, deps);
  };
  return { gh, run, open, join };
}

describe('the image job and open pull requests', () => {
  it('an older release arriving after the PR proposes a newer one changes nothing (issue 13.2)', async () => {
    const { run, open } = setup();
    expect(await run(['ghcr.io/acme/a', '1.0.10'])).toMatchObject([{ action: 'opened' }]);
    expect(await run(['ghcr.io/acme/a', '1.0.3'])).toMatchObject([{ action: 'unchanged' }]);
    expect(open()).toEqual([{ branch: 'courier/image/dev/ghcr.io-acme-a', images: [{ repository: 'ghcr.io/acme/a', tag: '1.0.10' }] }]);
  });

  it('a replayed older release does not rewrite a newer PR back', async () => {
    const { run, open } = setup();
    await run(['ghcr.io/acme/a', '1.1.0']);
    await run(['ghcr.io/acme/a', '1.2.0']);
    expect(await run(['ghcr.io/acme/a', '1.1.0'])).toMatchObject([{ action: 'unchanged' }]);
    expect(open()).toEqual([{ branch: 'courier/image/dev/ghcr.io-acme-a', images: [{ repository: 'ghcr.io/acme/a', tag: '1.2.0' }] }]);
  });

  it('a newer release of one image of an open group PR updates that PR instead of opening a second (issue 13.3)', async () => {
    const { run, open } = setup();
    await run(['ghcr.io/acme/a', '1.1.0'], ['ghcr.io/acme/b', '2.1.0']);
    expect(await run(['ghcr.io/acme/a', '1.2.0'])).toMatchObject([{ action: 'updated' }]);
    expect(open()).toEqual([
      {
        branch: 'courier/image/dev/images-a-b',
        images: [
          { repository: 'ghcr.io/acme/a', tag: '1.2.0' },
          { repository: 'ghcr.io/acme/b', tag: '2.1.0' },
        ],
      },
    ]);
  });

  it("a group commit's later write lands on its first write's PR, which then moves every image of the group (issue 12.1)", async () => {
    const { run, join, open } = setup();
    await run(['ghcr.io/acme/a', '1.1.0']);
    expect(await join([['ghcr.io/acme/a', '1.1.0']], [['ghcr.io/acme/a', '1.1.0'], ['ghcr.io/acme/b', '2.1.0']])).toMatchObject([{ action: 'updated' }]);
    expect(open()).toEqual([
      {
        branch: 'courier/image/dev/ghcr.io-acme-a',
        images: [
          { repository: 'ghcr.io/acme/a', tag: '1.1.0' },
          { repository: 'ghcr.io/acme/b', tag: '2.1.0' },
        ],
      },
    ]);
  });

  it("a later release of an image in a group commit's PR updates that PR on its branch, not a new PR that closes it", async () => {
    const { gh, run, join, open } = setup();
    await run(['ghcr.io/acme/a', '1.1.0']);
    await join([['ghcr.io/acme/a', '1.1.0']], [['ghcr.io/acme/a', '1.1.0'], ['ghcr.io/acme/b', '2.1.0']]);
    // The PR on `…/ghcr.io-acme-a` moves a and b; a newer b alone is widened by it to the same two images.
    expect(await run(['ghcr.io/acme/b', '2.2.0'])).toMatchObject([{ action: 'updated' }]);
    expect(gh.prs).toHaveLength(1);
    expect(open()).toEqual([
      {
        branch: 'courier/image/dev/ghcr.io-acme-a',
        images: [
          { repository: 'ghcr.io/acme/a', tag: '1.1.0' },
          { repository: 'ghcr.io/acme/b', tag: '2.2.0' },
        ],
      },
    ]);
  });

  it('a batch that polled several images but moves one names its branch after that one', async () => {
    const { run, open } = setup();
    await run(['ghcr.io/acme/a', '1.1.0'], ['ghcr.io/acme/b', '2.0.0']);
    expect(open().map((p) => p.branch)).toEqual(['courier/image/dev/ghcr.io-acme-a']);
  });
});
