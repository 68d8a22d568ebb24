/**
 * Shared data shapes of Courier's pure core. Every feature (image updates, promotion, rollout,
 * key rotation) produces a ChangeSet; the one write path turns a Proposal into commits, a branch
 * and a pull request (or a local branch in CLI mode).
 */

/** A repository file as the engine sees it: POSIX path relative to the repo root, and its text. */
export interface RepoFile {
  path: string;
  text: string;
}

/** Identity of the YAML document (Kubernetes object) that holds a change; fields absent when unknown. */
export interface ObjectRef {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
}

/** Which kind of reference a change edited. */
export type ChangeReason =
  | 'setter'
  | 'kustomize-images'
  | 'flux-kustomization-images'
  | 'helm-values'
  | 'container'
  | 'postbuild-substitute'
  | 'legacy-annotation';

/** One edited value: the record PR bodies, commit messages, logs and metrics are rendered from. */
export interface Change {
  /** Repo-relative POSIX path. */
  file: string;
  /** 1-based line of the edited value. */
  line: number;
  object: ObjectRef | null;
  /** Dotted YAML path of the edited scalar, e.g. `spec.template.spec.containers[0].image`. */
  field: string;
  old: string;
  new: string;
  reason: ChangeReason;
  /** Canonical repository of the image this change is about, e.g. `ghcr.io/acme/app`. */
  image: string;
  /** The `$imagepolicy` marker value when the change came from a setter, e.g. `flux-system:app:tag`. */
  setter?: string;
  /** Why this particular value was chosen (policy, never-downgrade rule…), one short sentence. */
  why?: string;
}

/** Something the user should see that did not stop the run (skipped file, refused tag, unknown policy). */
export interface Warning {
  code: string;
  message: string;
  file?: string;
  line?: number;
  field?: string;
}

/** A whole-file edit: the engine never writes anything else. */
export interface FileEdit {
  path: string;
  before: string;
  after: string;
}

/** The result of planning any change: the edited files and the record of why. */
export interface ChangeSet {
  edits: FileEdit[];
  changes: Change[];
  warnings: Warning[];
}

/** A released image: what a registry event, a dispatch or a poll tells Courier. */
export interface Release {
  /** Canonical repository, e.g. `ghcr.io/acme/app` or `docker.io/library/nginx`. */
  repository: string;
  tag: string;
  /** `sha256:…` when known. */
  digest?: string;
  /** Where the release came from (source repo URL, revision), for PR bodies. */
  source?: { url?: string; revision?: string; releaseNotesUrl?: string };
}

/** What Courier wants to exist in Git, whatever the feature: the input of the one write path. */
export type ProposalKind = 'image' | 'promotion' | 'rollout' | 'rotation';

/** One commit of a proposal: whole-file edits (an `after` of null deletes the file) and a message. */
export interface ProposedCommit {
  message: string;
  edits: Array<{ path: string; after: string | null }>;
}

/** The hidden, machine-readable block Courier writes into a PR body and parses back. */
export interface ProposalMetadata {
  version: 1;
  kind: ProposalKind;
  environment: string;
  subject: string;
  /** Images this proposal moves, for supersede decisions. */
  images?: Array<{ repository: string; tag: string; digest?: string }>;
  [extra: string]: unknown;
}

/** A change set dressed as a pull request: branch, texts, labels and the commits to make. */
export interface Proposal {
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
  changeSet: ChangeSet;
  metadata: ProposalMetadata;
}
