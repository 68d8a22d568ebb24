import nock from 'nock';
import { Octokit } from '@octokit/core';
import { describe, expect, it } from 'vitest';
import { validateCourierConfig } from '../../src/core/config/index.ts';
import { formatBranch } from '../../src/core/proposal/names.ts';
import type { Proposal } from '../../src/core/proposal/proposal.ts';
import { ownBranchRule } from '../../src/core/proposal/supersede-rule.ts';
import type { RepoFile } from '../../src/core/repo-model/repo-file.ts';
import type { CloneCache } from '../../src/git/clone-cache.ts';
import { GitCommandError } from '../../src/git/git-error.ts';
import type { Job } from '../../src/jobs/job.ts';
import { runJob } from '../../src/jobs/job-runner.ts';
import type { JobTarget } from '../../src/app-deps.ts';
import { FakeGitHub } from '../github/fake-github.ts';
import { API } from '../github/github-fixtures.ts';
import { useStrictNock } from '../support/strict-nock.ts';

useStrictNock();

const CONFIG = { environments: [{ name: 'prod', clusters: ['c1'], paths: ['**'] }] };
const quiet = { info: () => undefined, warn: () => undefined };
const fast = { retries: 2, minTimeout: 1, maxTimeout: 5 };

function target(): JobTarget {
  const validated = validateCourierConfig(CONFIG);
  if (!validated.ok) throw new Error('test config invalid');
  return {
    octokit: new Octokit({ auth: 'test-token-not-real' }) as unknown as JobTarget['octokit'],
    installationId: 1,
    owner: 'acme',
    repo: 'gitops',
    cloneUrl: 'https://github.com/acme/gitops.git',
    defaultBranch: 'main',
    config: CONFIG,
  };
}

/** A job that appends a line to a.yaml, planned from what the checkout shows. */
function appendJob(plans: string[] = []): Job<{ line: string }> {
  const header = (): Proposal => ({
    kind: 'promotion',
    environment: 'prod',
    subject: 'app',
    branch: formatBranch({ kind: 'promotion', environment: 'prod', subject: 'app' }),
    title: 'Promote app',
    body: 'body',
    labels: ['courier'],
    reviewers: [],
    teamReviewers: [],
    autoMerge: false,
    commits: [],
    changeSet: { edits: [], changes: [], warnings: [] },
    metadata: { version: 1, kind: 'promotion', environment: 'prod', subject: 'app' },
  });
  return {
    kind: 'promotion',
    reads: () => true,
    header,
    plan({ files }, request) {
      const before = files.find((f) => f.path === 'a.yaml')!.text;
      plans.push(before);
      const after = `${before}${request.line}\n`;
      return { ...header(), commits: [{ message: 'promote app', edits: [{ path: 'a.yaml', before, after }] }] };
    },
    rule: ownBranchRule,
    describe: (request) => request.line,
  };
}

type View = RepoFile[] | Error | { sha: string; files: RepoFile[] };

/** A clone cache whose checkouts show `views` in turn (the last one repeats), at base's current head unless a view names its commit. */
function cacheShowing(gh: FakeGitHub, views: View[]): CloneCache {
  let n = 0;
  return {
    async withCheckout(_handle: unknown, _ref: unknown, fn: (co: unknown) => Promise<unknown>) {
      const view = views[Math.min(n++, views.length - 1)]!;
      if (view instanceof Error) throw view;
      const { sha, files } = Array.isArray(view) ? { sha: gh.refs.get('main'), files: view } : view;
      return fn({ sha, readFiles: async () => ({ files, skipped: [] }) });
    },
  } as unknown as CloneCache;
}

describe('runJob', () => {
  it('re-plans once from the fresh base when the base moved under the plan (StaleProposal)', async () => {
    const gh = new FakeGitHub({ 'a.yaml': 'a: 2\n' });
    gh.serve();
    const plans: string[] = [];
    // The first checkout is an older commit (a: 1); the base has moved on to a: 2.
    const cache = cacheShowing(gh, [{ sha: 'f'.repeat(40), files: [{ path: 'a.yaml', text: 'a: 1\n' }] }, [{ path: 'a.yaml', text: 'a: 2\n' }]]);
    const outcomes = await runJob(appendJob(plans), target(), { line: 'b: 1' }, { cloneCache: cache, log: quiet, now: () => new Date(0), retry: fast });
    expect(plans).toEqual(['a: 1\n', 'a: 2\n']);
    expect(outcomes).toMatchObject([{ kind: 'promotion', environment: 'prod', action: 'opened' }]);
    expect(gh.prs).toHaveLength(1);
  });

  it('retries a transient failure (a git fetch that got a 502) and then succeeds', async () => {
    const gh = new FakeGitHub({ 'a.yaml': 'a: 1\n' });
    gh.serve();
    const flaky = new GitCommandError('fatal: unable to access: The requested URL returned error: 502', 'fetch', false);
    const cache = cacheShowing(gh, [flaky, [{ path: 'a.yaml', text: 'a: 1\n' }]]);
    const outcomes = await runJob(appendJob(), target(), { line: 'b: 1' }, { cloneCache: cache, log: quiet, now: () => new Date(0), retry: fast });
    expect(outcomes).toMatchObject([{ action: 'opened' }]);
  });

  it('plans a job kind the planning worker does not know in-thread, so a new job needs no worker registration to run in the App', async () => {
    const gh = new FakeGitHub({ 'a.yaml': 'a: 1\n' });
    gh.serve();
    const cache = cacheShowing(gh, [[{ path: 'a.yaml', text: 'a: 1\n' }]]);
    const sent: string[] = [];
    // The App plans off the main thread by default; the worker refuses kinds without a planner there.
    const planOffThread = async (kind: string): Promise<Proposal> => {
      sent.push(kind);
      throw new Error(`no planner for ${kind} jobs`);
    };
    const outcomes = await runJob(appendJob(), target(), { line: 'b: 1' }, { cloneCache: cache, log: quiet, now: () => new Date(0), retry: fast, planOffThread });
    expect(sent).toEqual([]);
    expect(outcomes).toMatchObject([{ kind: 'promotion', action: 'opened' }]);
  });

  it('shows a terminal failure as a failing courier/<job> check run on the commit it read, and returns it as failed', async () => {
    const gh = new FakeGitHub({ 'a.yaml': 'a: 1\n' });
    gh.serve();
    const job = { ...appendJob(), plan: () => { throw new Error('apps/x.yaml:3: spec.path: folder apps/x does not exist'); } };
    const cache = cacheShowing(gh, [[{ path: 'a.yaml', text: 'a: 1\n' }]]);
    let check: Record<string, unknown> | undefined;
    nock(API)
      .post('/repos/acme/gitops/check-runs', (body) => ((check = body as Record<string, unknown>), true))
      .reply(201, { id: 1 });
    const outcomes = await runJob(job, target(), { line: 'b: 1' }, { cloneCache: cache, log: quiet, now: () => new Date(0), retry: fast });
    expect(outcomes).toEqual([{ kind: 'promotion', environment: 'prod', action: 'failed', error: 'apps/x.yaml:3: spec.path: folder apps/x does not exist' }]);
    expect(check).toMatchObject({ name: 'courier/promotion', head_sha: gh.refs.get('main'), status: 'completed', conclusion: 'failure' });
    expect((check!.output as { title: string }).title).toBe('apps/x.yaml:3: spec.path: folder apps/x does not exist');
    expect(gh.prs).toHaveLength(0);
  });
});
