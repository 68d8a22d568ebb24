/**
 * What Courier wants to exist in Git, whatever the job: the input of the one write path
 * (proposal → commits → branch → PR, or a local branch in CLI mode). Image updates, promotions,
 * folder copies and key rotations all produce this shape.
 */
import type { Change, Warning } from './change.ts';

/** Which job a proposal comes from; part of branch names and metadata, so it parses back. */
export type ProposalKind = 'image' | 'promotion' | 'rollout' | 'rotation';

/**
 * A whole-file edit: `before` is the text the plan read (null: the file did not exist), `after` the
 * text to write (null: delete the file). The engine never writes anything else.
 */
export interface FileEdit {
  path: string;
  before: string | null;
  after: string | null;
}

/** An edit of a file that exists before and after (what the image planner produces). */
export type FileModification = FileEdit & { before: string; after: string };

/** The result of planning any change: the edited files and the record of why. */
export interface ChangeSet<C extends Change = Change> {
  edits: FileEdit[];
  changes: C[];
  warnings: Warning[];
}

/**
 * One commit of a proposal. Each edit's `before` is what that path held before this commit (after
 * the proposal's earlier commits): the write path judges staleness from the first commit that
 * touches a path, so a file created by a job (before = null) is never "stale".
 */
export interface ProposedCommit {
  message: string;
  edits: FileEdit[];
}

/** The hidden, machine-readable block Courier writes into a PR body and parses back. */
export interface ProposalMetadata {
  version: 1;
  kind: ProposalKind;
  environment: string;
  subject: string;
  /** Branch of a proposal this one is stacked on (e.g. a rotation's second step), when any. */
  dependsOn?: string;
  /** Job data, read back by that job only (e.g. `images` for image updates). */
  [extra: string]: unknown;
}

/** A change set dressed as a pull request: branch, texts, labels and the commits to make. */
export interface Proposal<C extends Change = Change> {
  kind: ProposalKind;
  environment: string;
  /** Stable slug the branch name is derived from (e.g. the image, or a group of images). */
  subject: string;
  branch: string;
  /** Branch the PR targets; undefined = the repository's default branch. */
  base?: string;
  title: string;
  body: string;
  labels: string[];
  reviewers: string[];
  teamReviewers: string[];
  autoMerge: boolean;
  commits: ProposedCommit[];
  changeSet: ChangeSet<C>;
  metadata: ProposalMetadata;
}

/** The label every Courier pull request carries, so Courier can list its own PRs cheaply. */
export const COURIER_LABEL = 'courier';
