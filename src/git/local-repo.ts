/**
 * The local-repository adapter of the CLI: reads the committed tree of a checkout and writes a
 * branch holding one commit, without touching the user's current branch, HEAD, index or working tree.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { parseBranch } from '../core/proposal/names.ts';
import type { RepoFile } from '../core/repo-model/repo-file.ts';
import type { Warning } from '../core/proposal/change.ts';
import { runGit } from './git-process.ts';
import { classify, grepTree, listTree, readBlobs } from './tree-reader.ts';

/** A git operation on a local repository failed in a way the user must fix. */
export class LocalRepoError extends Error {
  constructor(
    readonly dir: string,
    message: string,
  ) {
    super(`${dir}: ${message}`);
    this.name = 'LocalRepoError';
  }
}

/** Files Courier reads by default: YAML manifests (including `.github/courier.yml`) and Kustomize's extensionless `Kustomization`. */
export function isYamlish(path: string): boolean {
  return /\.ya?ml$/i.test(path) || posix.basename(path) === 'Kustomization';
}

/**
 * Files the engine plans from: YAML manifests plus `.sourceignore` files, which decide (with a
 * GitRepository's `spec.ignore`) which files Flux leaves out of an artifact.
 */
export function isPlanInput(path: string): boolean {
  return isYamlish(path) || posix.basename(path) === '.sourceignore';
}

/** What `readTree` returns: the loaded text files and every entry it skipped, with the reason. */
export interface TreeRead {
  files: RepoFile[];
  /**
   * Every path the read covered (include passed, not skipped), also those a screen left unread; in
   * git's order. Without a screen, the files' paths.
   */
  paths: string[];
  skipped: Warning[];
  /** The commit `rev` resolved to, so a caller reading in parallel can check it read the commit it meant. */
  commit: string;
}

/** Variables git needs from the environment; the rest (EDITOR, GIT_DIR…) stays out of our calls. */
const PASSED_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'SystemRoot'];

/**
 * Environment for git in a user's repository: what git needs from ours plus `extra`. The user's
 * git config (HOME) still applies; simple-git refuses the EDITOR/GIT_* variables many shells export.
 */
export function localGitEnv(extra: Record<string, string> = {}): Record<string, string> {
  const passed = Object.fromEntries(PASSED_ENV.flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k]!]])));
  return { ...passed, ...extra };
}

/**
 * git in a user's repository: one process per call, straight from `spawn` (simple-git's task queue and
 * module load cost `courier plan` ~60 ms, issue 12). Every call gets localGitEnv: an inherited GIT_DIR
 * (inside a hook) would point git at another repository. A non-zero exit rejects with git's stderr.
 */
function git(dir: string, env?: Record<string, string>): { raw(args: string[]): Promise<string> } {
  const opts = { cwd: dir, env: localGitEnv(env), secrets: [] };
  return { raw: (args) => runGit(args, opts).then((out) => out.toString('utf8')) };
}

/** Quiet commands (`--quiet`) say nothing on failure, so they are judged by their output. */
async function resolveCommit(dir: string, rev: string): Promise<string> {
  const oid = await git(dir)
    .raw(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])
    .then((out) => out.trim())
    .catch(() => '');
  if (!/^[0-9a-f]{40,64}$/.test(oid)) {
    throw new LocalRepoError(dir, `"${rev}" is not a commit: is this a git repository with at least one commit?`);
  }
  return oid;
}

/**
 * Which files a read may leave unloaded: those `byPath` does not keep and whose content (searched by
 * `git grep` among `pathspecs`) holds none of `tokens`. See imagePlanInputScreen for the image plan's.
 */
export interface ContentScreen {
  byPath(path: string): boolean;
  tokens: readonly string[];
  pathspecs: readonly string[];
}

/** The pathspecs of isYamlish's YAML files, for a screen's `git grep` (`Kustomization` files are kept by path). */
export const YAML_PATHSPECS: readonly string[] = [':(top,icase)*.yaml', ':(top,icase)*.yml'];

/**
 * Reads the files committed at `rev` (not the working tree), through the same tree reader as the
 * App's clone cache: one tree listing, one `cat-file` process for every wanted blob. Skips, with a
 * warning each: files over 5 MB, binary files, symlinks (never followed) and submodules. With a
 * `screen`, only the blobs it keeps are loaded (the listing and `git grep` run at once); the warnings
 * are then those of the loaded files.
 */
export async function readTree(
  dir: string,
  rev = 'HEAD',
  options: { include?: (path: string) => boolean; screen?: ContentScreen } = {},
): Promise<TreeRead> {
  // A full object id (a caller that resolved HEAD already) costs no process of its own.
  const commit = /^[0-9a-f]{40,64}$/.test(rev) ? rev : await resolveCommit(dir, rev);
  const opts = { cwd: dir, env: localGitEnv(), secrets: [] };
  const { screen } = options;
  const [entries, hits] = await Promise.all([listTree(commit, opts), screen ? grepTree(commit, screen.tokens, screen.pathspecs, opts) : undefined]);
  const { blobs, skipped } = classify(entries, options.include ?? isYamlish);
  const wanted = screen && hits ? blobs.filter((b) => screen.byPath(b.path) || hits.has(b.path)) : blobs;
  const read = await readBlobs(wanted, opts);
  const unread = new Set(read.skipped.map((w) => w.file));
  const paths = screen ? blobs.map((b) => b.path).filter((p) => !unread.has(p)) : read.files.map((f) => f.path);
  return { files: read.files, paths, skipped: [...skipped, ...read.skipped], commit };
}

/** A git identity; Courier's own is used when none is given, so no global git config is needed. */
export interface GitIdentity {
  name: string;
  email: string;
}

/** Courier commits as this committer, which is how it recognises its own commits on a branch later. */
export const COURIER_IDENTITY: GitIdentity = { name: 'Courier', email: 'courier@localhost' };

/** The user's `user.name` and `user.email` as git resolves them for `dir` (repository, global config); undefined when either is unset. */
export async function userIdentity(dir: string): Promise<GitIdentity | undefined> {
  const get = (key: string): Promise<string> =>
    git(dir)
      .raw(['config', '--get', key])
      .then((out) => out.trim())
      .catch(() => '');
  const [name, email] = await Promise.all([get('user.name'), get('user.email')]);
  return name && email ? { name, email } : undefined;
}

/** What a checkout holds besides the committed tree Courier reads. */
export interface CheckoutState {
  /** The repository's top-level folder (absolute). */
  root: string;
  head: string;
  /** The checked-out branch, undefined on a detached HEAD. */
  branch?: string;
  /** Paths with uncommitted changes (staged, unstaged or untracked), repo-relative. */
  uncommitted: string[];
}

/** Where a checkout is: its top-level folder and the commit HEAD names. */
export interface CheckoutLocation {
  root: string;
  head: string;
}

/**
 * The root and HEAD's commit around `dir`, from one `rev-parse` (issue 12: each git process costs
 * `courier plan` ~10 ms of spawning); on failure a second one tells "not a repository" from "no commit yet".
 */
export async function locateCheckout(dir: string): Promise<CheckoutLocation> {
  const out = await git(dir)
    .raw(['rev-parse', '--show-toplevel', 'HEAD^{commit}'])
    .catch(() => '');
  const [root = '', head = ''] = out.split('\n');
  if (root && /^[0-9a-f]{40,64}$/.test(head)) return { root, head };
  const top = (await git(dir).raw(['rev-parse', '--show-toplevel']).catch(() => '')).trim();
  if (!top) throw new LocalRepoError(dir, 'not inside a git repository: pass the folder of a git checkout to --repo');
  throw new LocalRepoError(top, '"HEAD" is not a commit: is this a git repository with at least one commit?');
}

/**
 * The checked-out branch and the uncommitted paths (staged, unstaged, untracked; repo-relative) around
 * `dir`, from one `git status`. Untracked folders are listed as the folder (`dir/`), not file by file:
 * -uall walked every file of a 10k-file checkout (0.3 s) to print one line.
 */
export async function checkoutStatus(dir: string): Promise<Pick<CheckoutState, 'branch' | 'uncommitted'>> {
  const out = await git(dir)
    .raw(['status', '--porcelain=v2', '--branch', '-z', '-unormal'])
    .catch((e: unknown) => {
      throw new LocalRepoError(dir, e instanceof Error ? e.message : String(e));
    });
  const { branch, uncommitted } = parseStatusV2(out);
  return { ...(branch ? { branch } : {}), uncommitted: uncommitted.sort() };
}

/** Describes the checkout around `dir`: root, HEAD and the uncommitted paths that a committed read ignores. */
export async function describeCheckout(dir: string): Promise<CheckoutState> {
  const status = checkoutStatus(dir);
  status.catch(() => undefined); // the location's error, if any, is the one to show
  const { root, head } = await locateCheckout(dir);
  return { root, head, ...(await status) };
}

/**
 * Reads `git status --porcelain=v2 --branch -z` (https://git-scm.com/docs/git-status#_porcelain_format_version_2):
 * headers (`# branch.head <name>|(detached)` is the one read), then one entry per
 * path, repo-root relative; the path follows 8 fields for ordinary changes (`1`), 9 for renames and
 * copies (`2`, whose source path comes as the next entry), 10 for unmerged ones (`u`), 1 for `?`.
 */
function parseStatusV2(out: string): { branch?: string; uncommitted: string[] } {
  let branch: string | undefined;
  const uncommitted: string[] = [];
  const entries = out.split('\0');
  const fieldsBefore: Record<string, number> = { '1': 8, '2': 9, u: 10, '?': 1, '!': 1 };
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.startsWith('# branch.head ')) {
      const name = entry.slice('# branch.head '.length);
      if (name !== '(detached)') branch = name;
    } else if (entry !== '' && !entry.startsWith('#')) {
      const skip = fieldsBefore[entry[0]!];
      if (skip === undefined) continue;
      let at = 0;
      for (let n = 0; n < skip; n++) at = entry.indexOf(' ', at) + 1;
      uncommitted.push(entry.slice(at));
      if (entry[0] === '2') i++; // the source path of a rename or copy
    }
  }
  return { uncommitted, ...(branch ? { branch } : {}) };
}

/** One commit to write: whole-file edits (`after: null` deletes the file; paths repo-relative POSIX) and its message. */
export interface LocalCommit {
  message: string;
  edits: ReadonlyArray<{ path: string; after: string | null }>;
}

/** Input of commitsToBranch: the branch to (re)write and its commits, oldest first. */
export interface CommitsToBranchInput {
  branch: string;
  /** Commit-ish the first new commit sits on; the current HEAD by default. */
  parent?: string;
  commits: readonly LocalCommit[];
  /** Author of the commits; the user's git identity (userIdentity) when omitted, else Courier. The committer is always Courier. */
  author?: GitIdentity;
  /** Replace the branch even when it holds commits Courier did not write (they are reported in `discarded`). */
  force?: boolean;
  /** Author and committer date (deterministic commits in tests and re-runs). */
  date?: Date;
}

/** Input of commitToBranch: the branch to (re)write and the one commit it gets. */
export type CommitToBranchInput = Omit<CommitsToBranchInput, 'commits'> & LocalCommit;

/** A commit on a branch that Courier did not write. */
export interface ForeignCommit {
  commit: string;
  subject: string;
  author: string;
}

/** What commitToBranch did to the branch. */
export interface BranchWrite {
  commit: string;
  branch: string;
  /** created: new branch; updated: rebuilt a branch holding only Courier's commits; replaced: `force` discarded `discarded`. */
  action: 'created' | 'updated' | 'replaced';
  discarded: ForeignCommit[];
}

/**
 * Points `refs/heads/<branch>` at ONE new commit on top of `parent` holding exactly `edits`. Works on
 * a temporary index (GIT_INDEX_FILE), so the current branch, HEAD, the index and the working tree
 * are untouched. Rebuilds an existing Courier branch (`courier/…`) when every commit on it that
 * `parent` lacks was committed by Courier; a commit someone else added (a reviewer's fix-up) makes it
 * refuse, naming the commit, unless `force`. Refuses any other existing branch and the checked-out
 * branch. Existing files keep their mode.
 */
export async function commitToBranch(dir: string, input: CommitToBranchInput): Promise<BranchWrite> {
  const { message, edits, ...rest } = input;
  return commitsToBranch(dir, { ...rest, commits: [{ message, edits }] });
}

/**
 * Like commitToBranch, with several commits in order on one branch (a proposal's commits: a key
 * rotation's two steps, a rollout's copy and switch). The branch ends at the last one.
 */
export async function commitsToBranch(dir: string, input: CommitsToBranchInput): Promise<BranchWrite> {
  const { branch, commits } = input;
  if (commits.length === 0) throw new LocalRepoError(dir, `no commit to write on ${branch}`);
  const edits = commits.flatMap((c) => c.edits);
  const ref = `refs/heads/${branch}`;
  const normal = await git(dir)
    .raw(['check-ref-format', '--normalize', ref])
    .then((out) => out.trim())
    .catch(() => '');
  if (normal !== ref) throw new LocalRepoError(dir, `"${branch}" is not a valid branch name`);
  for (const e of edits) {
    if (!isSafePath(e.path)) throw new LocalRepoError(dir, `edit path "${e.path}" must be a repo-relative POSIX path outside .git`);
  }
  const parent = await resolveCommit(dir, input.parent ?? 'HEAD');
  const existing = (await git(dir).raw(['for-each-ref', '--format=%(objectname)', ref])).trim();
  if (existing && !parseBranch(branch)) {
    throw new LocalRepoError(dir, `branch "${branch}" exists and is not a Courier branch (courier/<kind>/<env>/<subject>); choose another name`);
  }
  const head = (await git(dir).raw(['symbolic-ref', '-q', 'HEAD']).catch(() => '')).trim();
  if (head === ref) throw new LocalRepoError(dir, `branch "${branch}" is checked out; switch to another branch first`);
  const discarded = existing ? await foreignCommits(dir, existing, parent) : [];
  if (discarded.length > 0 && !input.force) {
    const list = discarded.map(describeCommit).join(', ');
    const count = discarded.length === 1 ? '1 commit' : `${discarded.length} commits`;
    throw new LocalRepoError(
      dir,
      `branch ${branch} holds ${count} Courier did not write: ${list}; nothing was changed. Move ${discarded.length === 1 ? 'it' : 'them'} to another branch (or merge the branch) first, or run again with --force to replace the branch and discard ${discarded.length === 1 ? 'it' : 'them'}.`,
    );
  }

  const scratch = await mkdtemp(join(tmpdir(), 'courier-commit-'));
  try {
    const who = input.author ?? (await userIdentity(dir)) ?? COURIER_IDENTITY;
    const env: Record<string, string> = {
      GIT_INDEX_FILE: join(scratch, 'index'),
      GIT_AUTHOR_NAME: who.name,
      GIT_AUTHOR_EMAIL: who.email,
      GIT_COMMITTER_NAME: COURIER_IDENTITY.name,
      GIT_COMMITTER_EMAIL: COURIER_IDENTITY.email,
    };
    if (input.date) env.GIT_AUTHOR_DATE = env.GIT_COMMITTER_DATE = `@${Math.floor(input.date.getTime() / 1000)} +0000`;
    const g = git(dir, env);
    await g.raw(['read-tree', parent]);
    let tip = parent;
    for (const [n, step] of commits.entries()) tip = await writeCommit(g, dir, scratch, tip, step, n);
    // Compare-and-swap: fail if the branch moved since we looked.
    await g.raw(['update-ref', '-m', 'courier: rebuild branch', ref, tip, existing || '0'.repeat(parent.length)]);
    return { commit: tip, branch, action: !existing ? 'created' : discarded.length > 0 ? 'replaced' : 'updated', discarded };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Applies one commit's edits to the temporary index (already holding `parent`'s tree) and commits it on `parent`. */
async function writeCommit(g: ReturnType<typeof git>, dir: string, scratch: string, parent: string, step: LocalCommit, n: number): Promise<string> {
  const { message, edits } = step;
  const removals = edits.filter((e) => e.after === null).map((e) => e.path);
  const writes = edits.filter((e): e is { path: string; after: string } => e.after !== null);
  if (removals.length > 0) await g.raw(['update-index', '--force-remove', '--', ...removals]);
  if (writes.length > 0) {
    // One hash-object call for all contents; --no-filters keeps the bytes exactly as planned.
    const blobFiles = await Promise.all(
      writes.map(async (w, i) => {
        const file = join(scratch, `blob-${n}-${i}`);
        await writeFile(file, w.after);
        return file;
      }),
    );
    const oids = (await g.raw(['hash-object', '-w', '--no-filters', '--', ...blobFiles])).trim().split('\n');
    const modes = await existingModes(dir, parent, writes.map((w) => w.path));
    const cacheinfo = writes.flatMap((w, i) => ['--cacheinfo', `${modes.get(w.path) ?? '100644'},${oids[i]},${w.path}`]);
    await g.raw(['update-index', '--add', ...cacheinfo]);
  }
  const tree = (await g.raw(['write-tree'])).trim();
  return (await g.raw(['commit-tree', tree, '-p', parent, '-m', message])).trim();
}

/** `abc123def456 "subject" by Name <email>`, for messages. */
export function describeCommit(c: ForeignCommit): string {
  return `${c.commit.slice(0, 12)} "${c.subject}" by ${c.author}`;
}

/** Commits on `tip` that `base` lacks and whose committer is not Courier. */
async function foreignCommits(dir: string, tip: string, base: string): Promise<ForeignCommit[]> {
  const out = await git(dir).raw(['log', '--format=%H%x00%ce%x00%an <%ae>%x00%s', tip, `^${base}`]);
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\0'))
    .filter(([, committer]) => committer !== COURIER_IDENTITY.email)
    .map(([commit, , author, subject]) => ({ commit: commit!, author: author!, subject: subject ?? '' }));
}

function isSafePath(path: string): boolean {
  const parts = path.split('/');
  return path.length > 0 && !path.startsWith('/') && !path.includes('\\') && !parts.some((p) => p === '' || p === '.' || p === '..') && parts[0] !== '.git';
}

/** Modes of the paths that exist in `commit` (so an executable file stays executable). */
async function existingModes(dir: string, commit: string, paths: readonly string[]): Promise<Map<string, string>> {
  const entries = await listTree(commit, { cwd: dir, env: localGitEnv(), secrets: [] }, paths);
  return new Map(entries.filter((e) => e.type === 'blob').map((e) => [e.path, e.mode]));
}
