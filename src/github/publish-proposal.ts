/**
 * The one write path: Proposal → Verified commits → branch → pull request. Idempotent (re-running the
 * same proposal writes nothing), compare-and-swap guarded (`createRef` fails if the branch exists,
 * `createCommitOnBranch.expectedHeadOid` fails if it moved, GitHub allows one open PR per head) and
 * retried from a fresh read on conflict. Requests for a new PR: 1 read + 1 mutating document
 * (createRef + createCommitOnBranch + createPullRequest) + 1 mutating document for labels, reviewers
 * and auto-merge when configured (+1 REST call per label that must be created).
 * Commits come from `createCommitOnBranch`, which GitHub signs, so they show as Verified:
 * https://docs.github.com/en/graphql/reference/mutations#createcommitonbranch
 * Known limit: a rebuild resets the branch with `updateRef(force)`, which has no expected-old-oid
 * (`updateRefs` would, but it is still a schema preview); the commit that follows in the same
 * document is guarded by `expectedHeadOid`, so two concurrent rebuilds end with one of them, whole.
 */
import pRetry from 'p-retry';
import type { Proposal } from '../core/proposal/proposal.ts';
import type { Warning } from '../core/proposal/change.ts';
import { Conflict, StaleProposal } from './errors.ts';
import { countingClient, type GitHubClient } from './github-client.ts';
import { runMutation, type MutationField } from './mutation-document.ts';
import { planIsNoop, planPublish, type PlannedCommit, type PublishPlan } from './publish-plan.ts';
import { readPublishState, type PublishState } from './publish-state.ts';
import type { RepoRef } from './repo-ref.ts';
import { usableEarlyState, type EarlyState } from './early-state.ts';
import { EditEncodings } from './edit-encodings.ts';
import { fitPullRequestBody, MAX_PR_BODY_CHARS } from './pr-body-limit.ts';
import { DECORATED_MARK_ROOM, keepDecoratedMark, markDecorated } from './pr-decoration.ts';
import type { OpenPullRequestNode } from './open-pull-requests.ts';
import type { SupersedeRule } from '../core/proposal/supersede-rule.ts';
import { ensureLabelIds, prExtrasFields } from './pr-extras.ts';

/** What the write path did. */
export interface PublishResult {
  action: 'created' | 'updated' | 'unchanged' | 'nothing-to-do' | 'dry-run';
  /** In dry-run mode: what a real run would have done. */
  planned?: Exclude<PublishResult['action'], 'dry-run'>;
  number?: number;
  url?: string;
  branch: string;
  headSha?: string;
  /** PR closed because its change set became empty (the change is already on base). */
  closed?: number;
  /** With `listOpen`: the repository's open PRs as the (last) state read saw them. */
  openPullRequests?: OpenPullRequestNode[];
  requests: { total: number; mutating: number };
  warnings: Warning[];
}

/** Options of one publish. */
export interface PublishOptions {
  dryRun?: boolean;
  now?: () => Date;
  /** The job's supersede rule: gives the body the branch's open PR converges to (e.g. with a supersede note). */
  rule?: SupersedeRule;
  /** Also list the repository's open PRs in the state read (no extra request); they come back in the result. */
  listOpen?: boolean;
  /** A state read made while planning (see early-state.ts); used by the first attempt when it can stand in. */
  early?: EarlyState;
  /** Backoff of compare-and-swap retries; p-retry semantics, jittered. */
  retry?: { retries?: number; minTimeout?: number; maxTimeout?: number };
}

/** Publishes a proposal as a branch and pull request; see the module comment for the guarantees. */
export async function publishProposal(
  gh: GitHubClient,
  repo: RepoRef,
  proposal: Proposal,
  opts: PublishOptions = {},
): Promise<PublishResult> {
  const { client, counts } = countingClient(gh);
  const encodings = await EditEncodings.of(proposal);
  let first = true;
  const result = await pRetry(() => attempt(client, repo, proposal, opts, encodings, first ? ((first = false), opts.early) : undefined), {
    retries: opts.retry?.retries ?? 6,
    minTimeout: opts.retry?.minTimeout ?? 250,
    maxTimeout: opts.retry?.maxTimeout ?? 4000,
    randomize: true,
    shouldRetry: (error) => error instanceof Conflict,
  });
  return { ...result, requests: { total: counts.total, mutating: counts.mutating } };
}

type Outcome = Omit<PublishResult, 'requests'>;

async function attempt(gh: GitHubClient, repo: RepoRef, proposal: Proposal, opts: PublishOptions, encodings: EditEncodings, early: EarlyState | undefined): Promise<Outcome> {
  const state =
    (early && (await usableEarlyState(early, proposal, encodings))) ??
    (await readPublishState(gh, repo, proposal, { listOpen: opts.listOpen === true }));
  const body = keepDecoratedMark(fitPullRequestBody(opts.rule ? opts.rule.bodyFor(proposal, state.pr) : proposal.body, MAX_PR_BODY_CHARS - DECORATED_MARK_ROOM), state.pr);
  const plan = planPublish(proposal, state, body, encodings);
  const outcome = { ...plannedOutcome(plan, state, proposal), ...(state.openPullRequests ? { openPullRequests: state.openPullRequests } : {}) };
  if (plan.kind === 'write' && plan.branch !== 'keep' && plan.stalePaths.length > 0) {
    throw new StaleProposal(`base changed under the proposal in ${plan.stalePaths.join(', ')}; re-plan from the fresh base`, {
      repo: `${repo.owner}/${repo.repo}`,
      attempted: `publish ${proposal.branch}`,
    });
  }
  if (opts.dryRun) return { ...outcome, action: 'dry-run', planned: outcome.action };
  if (plan.kind === 'none' || planIsNoop(plan)) return outcome;
  const open = state.openPullRequests ? { openPullRequests: state.openPullRequests } : {};
  if (plan.kind === 'close') return { ...(await closeObsolete(gh, state, proposal, opts.now ?? (() => new Date()))), ...open };
  return { ...(await write(gh, repo, proposal, state, plan, body)), ...open };
}

function plannedOutcome(plan: PublishPlan, state: PublishState, proposal: Proposal): Outcome & { action: Exclude<PublishResult['action'], 'dry-run'> } {
  const pr = state.pr;
  const common = { branch: proposal.branch, warnings: [] as Warning[] };
  if (plan.kind === 'none') return { ...common, action: 'nothing-to-do' };
  if (plan.kind === 'close') return { ...common, action: 'nothing-to-do', closed: pr!.number };
  const action = planIsNoop(plan) ? 'unchanged' : plan.createPr ? 'created' : 'updated';
  return {
    ...common,
    action,
    ...(pr ? { number: pr.number, url: pr.url } : {}),
    ...(state.branch ? { headSha: state.branch.headOid } : {}),
  };
}

function commitField(alias: string, repo: RepoRef, proposal: Proposal, commit: PlannedCommit, expectedHeadOid: string): MutationField {
  return {
    alias,
    mutation: 'createCommitOnBranch',
    inputType: 'CreateCommitOnBranchInput',
    input: {
      branch: { repositoryNameWithOwner: `${repo.owner}/${repo.repo}`, branchName: proposal.branch },
      message: commit.body ? { headline: commit.headline, body: commit.body } : { headline: commit.headline },
      fileChanges: { additions: commit.additions, deletions: commit.deletions },
      expectedHeadOid,
    },
    selection: 'commit { oid url }',
  };
}

async function write(
  gh: GitHubClient,
  repo: RepoRef,
  proposal: Proposal,
  state: PublishState,
  plan: PublishPlan,
  body: string,
): Promise<Outcome> {
  const warnings: Warning[] = Object.entries({ ...state.userIds, ...state.teamIds })
    .filter(([, id]) => plan.createPr && id === null)
    .map(([who]) => ({ code: 'reviewer-not-found', message: `reviewer ${who} does not exist or is not visible to Courier` }));
  const labelIds = plan.addLabels.length > 0 ? await ensureLabelIds(gh, repo, plan.addLabels, state.labelIds) : [];
  let headOid = state.branch?.headOid ?? state.baseOid;
  let pr: { id: string; number: number; url: string } | null = state.pr;
  const docs = Math.max(1, plan.commits.length);
  for (let i = 0; i < docs; i++) {
    const fields: MutationField[] = [];
    if (i === 0 && plan.branch === 'create') {
      fields.push({
        alias: 'branch',
        mutation: 'createRef',
        inputType: 'CreateRefInput',
        input: { repositoryId: state.repositoryId, name: `refs/heads/${proposal.branch}`, oid: state.baseOid },
        selection: 'ref { id }',
      });
    }
    if (i === 0 && plan.branch === 'rebuild') {
      fields.push({
        alias: 'branch',
        mutation: 'updateRef',
        inputType: 'UpdateRefInput',
        input: { refId: state.branch!.refId, oid: state.baseOid, force: true },
        selection: 'ref { id }',
      });
    }
    const commit = plan.commits[i];
    if (commit) fields.push(commitField(`commit${i}`, repo, proposal, commit, i === 0 ? state.baseOid : headOid));
    if (i === docs - 1) {
      if (plan.createPr) {
        fields.push({
          alias: 'pr',
          mutation: 'createPullRequest',
          inputType: 'CreatePullRequestInput',
          input: {
            repositoryId: state.repositoryId,
            baseRefName: state.baseBranch,
            headRefName: proposal.branch,
            title: proposal.title,
            body,
            draft: false,
            maintainerCanModify: true,
          },
          selection: 'pullRequest { id number url }',
        });
      } else if (plan.updatePr) {
        fields.push({
          alias: 'pr',
          mutation: 'updatePullRequest',
          inputType: 'UpdatePullRequestInput',
          input: { pullRequestId: state.pr!.id, ...plan.updatePr },
          selection: 'pullRequest { id number url }',
        });
      }
      // An existing PR that was never decorated gets its reviewers too (its body gains the mark in updatePr).
      if (pr) fields.push(...prExtrasFields(pr.id, proposal, state, plan, labelIds, plan.decorate));
    }
    if (fields.length === 0) continue;
    const res = await runMutation(gh, 'CourierPublish', fields);
    warnings.push(...res.failed.map((f) => ({ code: 'pr-extras-failed', message: `${f.alias}: ${f.message}` })));
    const made = res.data[`commit${i}`] as { commit: { oid: string } } | undefined;
    if (made) headOid = made.commit.oid;
    const created = (res.data.pr as { pullRequest: typeof pr } | undefined)?.pullRequest;
    if (created) pr = created;
  }
  if (plan.createPr && pr) {
    // The mark goes in the same document as the decoration: present exactly when it was applied.
    const extras = [
      ...prExtrasFields(pr.id, proposal, state, plan, labelIds, true),
      { alias: 'decorated', mutation: 'updatePullRequest', inputType: 'UpdatePullRequestInput', input: { pullRequestId: pr.id, body: markDecorated(body) }, selection: 'clientMutationId', optional: true },
    ];
    {
      const res = await runMutation(gh, 'CourierDecorate', extras);
      warnings.push(...res.failed.map((f) => ({ code: 'pr-extras-failed', message: `${f.alias}: ${f.message}` })));
    }
  }
  return {
    action: plan.createPr ? 'created' : 'updated',
    branch: proposal.branch,
    headSha: headOid,
    ...(pr ? { number: pr.number, url: pr.url } : {}),
    warnings,
  };
}

/** The change set is empty but the branch's PR is open: its change is on base already, so close it. */
async function closeObsolete(gh: GitHubClient, state: PublishState, proposal: Proposal, now: () => Date): Promise<Outcome> {
  const pr = state.pr!;
  const fields: MutationField[] = [
    {
      alias: 'comment',
      mutation: 'addComment',
      inputType: 'AddCommentInput',
      input: {
        subjectId: pr.id,
        body: `Courier closed this pull request on ${now().toISOString()}: \`${state.baseBranch}\` already contains everything it proposed, so nothing is left to change.`,
      },
      selection: 'clientMutationId',
    },
    { alias: 'close', mutation: 'closePullRequest', inputType: 'ClosePullRequestInput', input: { pullRequestId: pr.id }, selection: 'pullRequest { id }' },
  ];
  if (state.branch) {
    fields.push({ alias: 'deleteBranch', mutation: 'deleteRef', inputType: 'DeleteRefInput', input: { refId: state.branch.refId }, selection: 'clientMutationId', optional: true });
  }
  const res = await runMutation(gh, 'CourierCloseObsolete', fields);
  return {
    action: 'nothing-to-do',
    branch: proposal.branch,
    closed: pr.number,
    warnings: res.failed.map((f) => ({ code: 'branch-delete-failed', message: f.message })),
  };
}
