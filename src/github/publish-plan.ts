/**
 * The pure half of the write path: given a proposal and what GitHub holds now, decide what to write.
 * Equality is decided on blob ids computed locally, so "unchanged" costs no request beyond the read.
 */
import type { Proposal } from '../core/proposal/proposal.ts';
import { EditEncodings } from './edit-encodings.ts';
import type { PublishState } from './publish-state.ts';
import { isDecorated, markDecorated } from './pr-decoration.ts';

/** One commit to create, reduced to the edits that change something. */
export interface PlannedCommit {
  headline: string;
  body: string;
  additions: Array<{ path: string; contents: string }>;
  deletions: Array<{ path: string }>;
}

/** What the write path will do. */
export interface PublishPlan {
  /** `none`: nothing to write; `close`: the change set is empty but a PR is still open. */
  kind: 'none' | 'close' | 'write';
  /** How the branch gets its commits: created at base, reset to base, or already right. */
  branch: 'create' | 'rebuild' | 'keep';
  commits: PlannedCommit[];
  createPr: boolean;
  updatePr: { title?: string; body?: string; baseRefName?: string } | null;
  addLabels: string[];
  enableAutoMerge: boolean;
  /**
   * The PR has never been decorated (see pr-decoration.ts): labels, reviewers and auto-merge are
   * applied whatever else the run writes, together with the mark.
   */
  decorate: boolean;
  /** Paths whose base content differs from the `before` the proposal was planned from. */
  stalePaths: string[];
}

/** Splits a commit message into GitHub's `CommitMessage { headline, body }`. */
function splitMessage(message: string): { headline: string; body: string } {
  const text = message.replace(/\r\n/g, '\n').trim();
  const nl = text.indexOf('\n');
  if (nl < 0) return { headline: text, body: '' };
  return { headline: text.slice(0, nl).trim(), body: text.slice(nl + 1).trim() };
}

function sameMessage(remote: string, planned: PlannedCommit): boolean {
  const r = splitMessage(remote);
  return r.headline === planned.headline && r.body === planned.body;
}

/**
 * Reduces the proposal's commits to effective edits against base, walking them in order, and returns
 * per commit the expected blob id of each path it touches (for the "already there" check).
 */
function effectiveCommits(proposal: Proposal, baseFiles: Record<string, string | null>, encodings: EditEncodings) {
  const current = new Map(Object.entries(baseFiles));
  const out: Array<{ planned: PlannedCommit; expect: Record<string, string | null> }> = [];
  for (const commit of proposal.commits) {
    const { headline, body } = splitMessage(commit.message);
    const planned: PlannedCommit = { headline, body, additions: [], deletions: [] };
    const expect: Record<string, string | null> = {};
    for (const edit of commit.edits) {
      const { afterOid: oid, afterBase64 } = encodings.of(edit);
      if ((current.get(edit.path) ?? null) === oid) continue;
      current.set(edit.path, oid);
      expect[edit.path] = oid;
      if (afterBase64 === null) planned.deletions.push({ path: edit.path });
      else planned.additions.push({ path: edit.path, contents: afterBase64 });
    }
    if (planned.additions.length + planned.deletions.length > 0) out.push({ planned, expect });
  }
  return out;
}

/**
 * True when the branch is exactly base + these commits: the oldest sits on base, each has the planned
 * message, changes exactly as many files as planned, and holds the planned blobs. Counting changed
 * files is what proves no other file differs, without comparing whole trees.
 */
function branchMatches(state: PublishState, commits: ReturnType<typeof effectiveCommits>): boolean {
  const remote = state.branch?.commits;
  if (!remote || remote.length < commits.length) return false;
  const newestFirst = [...commits].reverse();
  for (let i = 0; i < newestFirst.length; i++) {
    const want = newestFirst[i]!;
    const have = remote[i]!;
    const wantParent = i === newestFirst.length - 1 ? state.baseOid : remote[i + 1]!.oid;
    if (have.parentOid !== wantParent || !sameMessage(have.message, want.planned)) return false;
    if (have.changedFiles !== Object.keys(want.expect).length) return false;
    if (Object.entries(want.expect).some(([p, oid]) => (have.files[p] ?? null) !== oid)) return false;
  }
  return true;
}

/**
 * Decides the writes. `body` is the PR body to converge to (the proposal's, plus any supersede note);
 * `encodings` are the edits' blob ids and base64 (`EditEncodings.of(proposal)`, made once per publish).
 */
export function planPublish(proposal: Proposal, state: PublishState, body: string, encodings = new EditEncodings()): PublishPlan {
  const commits = effectiveCommits(proposal, state.baseFiles, encodings);
  const base: PublishPlan = {
    kind: 'none',
    branch: 'keep',
    commits: [],
    createPr: false,
    updatePr: null,
    addLabels: [],
    enableAutoMerge: false,
    decorate: false,
    stalePaths: [],
  };
  if (commits.length === 0) return { ...base, kind: state.pr ? 'close' : 'none' };

  const touched = new Set(commits.flatMap((c) => Object.keys(c.expect)));
  // Staleness is judged from the commits alone: the first commit that touches a path says what the
  // plan read there (null: the file did not exist, as for a folder copy's new files).
  const planned = new Map<string, string | null>();
  for (const commit of proposal.commits) for (const e of commit.edits) if (!planned.has(e.path)) planned.set(e.path, encodings.of(e).beforeOid);
  const stalePaths = [...planned].filter(([path, before]) => touched.has(path) && (state.baseFiles[path] ?? null) !== before).map(([path]) => path);

  const matches = branchMatches(state, commits);
  const branch = matches ? 'keep' : state.branch ? 'rebuild' : 'create';
  const pr = state.pr;
  const updatePr: { title?: string; body?: string; baseRefName?: string } = {};
  if (pr && pr.title !== proposal.title) updatePr.title = proposal.title;
  if (pr && pr.body !== body) updatePr.body = body;
  if (pr && pr.baseRefName !== state.baseBranch) updatePr.baseRefName = state.baseBranch;
  const have = new Set(pr?.labels ?? []);
  // Labels and auto-merge are applied when Courier (re)writes the PR or when the PR has never carried
  // them (pr-decoration.ts), not on every run: a human who removed a label or disabled auto-merge on an
  // unchanged, decorated PR is not overruled by the next resync.
  const decorate = pr === null || !isDecorated(pr.body);
  if (pr && decorate) updatePr.body = markDecorated(body);
  const rewriting = decorate || branch !== 'keep';
  return {
    kind: 'write',
    branch,
    commits: matches ? [] : commits.map((c) => c.planned),
    createPr: pr === null,
    updatePr: Object.keys(updatePr).length > 0 ? updatePr : null,
    addLabels: rewriting ? proposal.labels.filter((l) => !have.has(l)) : [],
    enableAutoMerge: rewriting && proposal.autoMerge && !(pr?.autoMergeEnabled ?? false),
    decorate,
    stalePaths,
  };
}

/** True when carrying out the plan writes nothing. */
export function planIsNoop(plan: PublishPlan): boolean {
  return (
    plan.kind !== 'close' &&
    plan.branch === 'keep' &&
    !plan.createPr &&
    plan.updatePr === null &&
    plan.addLabels.length === 0 &&
    !plan.enableAutoMerge
  );
}
