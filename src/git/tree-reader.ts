import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RepoFile } from '../core/repo-model/repo-file.ts';
import type { Warning } from '../core/proposal/change.ts';
import { yieldEvery } from '../event-loop-yield.ts';
import { CatFileBatch, runGit, type GitProcessOptions } from './git-process.ts';
import { GitCommandError } from './git-error.ts';

/** Files above this size are skipped with a warning: GitOps manifests are small, and huge files are not ours to edit. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** One entry of `git ls-tree -r`: mode, object type, object id and repo-relative path. */
export interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  path: string;
}

/** The files of a tree that Courier reads, and the ones it skipped with the reason. */
export interface ReadResult {
  files: RepoFile[];
  skipped: Warning[];
}

/** Lists every entry of the commit's tree (or only `paths`, repo-relative), recursively, in git's path order. */
export async function listTree(sha: string, opts: GitProcessOptions, paths?: readonly string[]): Promise<TreeEntry[]> {
  const out = await runGit(['ls-tree', '-r', '-z', '--full-tree', sha, ...(paths ? ['--', ...paths] : [])], opts);
  const entries: TreeEntry[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode = '', type = '', oid = ''] = record.slice(0, tab).split(' ');
    entries.push({ mode, type, oid, path: record.slice(tab + 1) });
  }
  return entries;
}

/**
 * Which blobs of `commit` (among `pathspecs`: give them `:(top)` magic, as git reads them from the cwd) hold any of `tokens`, as fixed
 * strings: git reads and searches the objects itself, so the rest of a large tree never reaches Node
 * (issue 12). One thread: searching a tree serialises object reads on a lock, and on a 50k-file fleet
 * `--threads 1` took 0.33 s where 2 threads took 0.56 s. Binary blobs that match are listed too.
 */
export async function grepTree(commit: string, tokens: readonly string[], pathspecs: readonly string[], opts: GitProcessOptions): Promise<Set<string>> {
  if (tokens.length === 0) return new Set();
  const args = ['grep', '--threads=1', '--no-color', '--full-name', '-l', '-z', '-F', ...tokens.flatMap((t) => ['-e', t]), commit, '--', ...pathspecs];
  const out = await runGit(args, { ...opts, answerExits: [1] });
  const prefix = `${commit}:`;
  const paths = new Set<string>();
  for (const name of out.toString('utf8').split('\0')) if (name.startsWith(prefix)) paths.add(name.slice(prefix.length));
  return paths;
}

/**
 * Fetches, in one request, the wanted blobs a blobless clone does not have yet — the way git's own
 * promisor fetch does it; reading them one by one would cost a round trip each. Returns whether it fetched.
 */
export async function fetchMissingBlobs(sha: string, blobs: TreeEntry[], opts: GitProcessOptions): Promise<boolean> {
  const listing = await runGit(['rev-list', '--objects', '--missing=print', '--no-walk', sha], opts);
  const missing = new Set<string>();
  for (const line of listing.toString('utf8').split('\n')) if (line.startsWith('?')) missing.add(line.slice(1));
  return fetchBlobs(blobs.filter((b) => missing.has(b.oid)).map((b) => b.oid), opts);
}

/** Fetches the given blobs in one request (no negotiation: the ids are known); returns whether there were any. */
export async function fetchBlobs(oids: readonly string[], opts: GitProcessOptions): Promise<boolean> {
  const wanted = [...new Set(oids)];
  if (wanted.length === 0) return false;
  await runGit(
    ['-c', 'fetch.negotiationAlgorithm=noop', 'fetch', 'origin', '--no-tags', '--no-write-fetch-head', '--recurse-submodules=no', '--filter=blob:none', '--stdin'],
    { ...opts, input: wanted.join('\n') + '\n' },
  );
  return true;
}

/** Splits tree entries into regular blobs to read and warnings for symlinks and submodules. */
export function classify(
  entries: TreeEntry[],
  filter: ((p: string) => boolean) | undefined,
): { blobs: TreeEntry[]; skipped: Warning[] } {
  const blobs: TreeEntry[] = [];
  const skipped: Warning[] = [];
  for (const e of entries) {
    if (filter && !filter(e.path)) continue;
    if (e.mode === '120000') {
      skipped.push({ code: 'symlink', file: e.path, message: `${e.path}: symbolic link, not followed` });
    } else if (e.mode === '160000') {
      skipped.push({ code: 'submodule', file: e.path, message: `${e.path}: git submodule, not read` });
    } else if (e.type === 'blob') {
      blobs.push(e);
    }
  }
  return { blobs, skipped };
}

/** git's own binary heuristic (xdiff-interface.c): a NUL byte in the first 8000 bytes. */
function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

function missing(b: TreeEntry): GitCommandError {
  return new GitCommandError(`git cat-file failed: missing blob ${b.oid} for ${b.path}`, 'cat-file', true);
}

function tooLarge(p: string, size: number): Warning {
  return { code: 'file-too-large', file: p, message: `${p}: ${size} bytes, over the ${MAX_FILE_BYTES / 1024 / 1024} MB limit; skipped` };
}

function binary(p: string): Warning {
  return { code: 'binary-file', file: p, message: `${p}: binary file, skipped` };
}

/**
 * Reads blobs straight from the object store with one `cat-file --batch-command` process: sizes
 * first (so oversized files are never loaded), then contents. Blobs must already be local.
 */
export async function readBlobs(blobs: TreeEntry[], opts: GitProcessOptions): Promise<ReadResult> {
  const files: RepoFile[] = [];
  const skipped: Warning[] = [];
  const batch = new CatFileBatch(opts);
  try {
    const infos = await batch.ask(
      blobs.map((b) => b.oid),
      false,
    );
    const wanted: TreeEntry[] = [];
    blobs.forEach((b, i) => {
      const info = infos[i];
      if (!info || info.type === 'missing') throw missing(b);
      if (info.size > MAX_FILE_BYTES) skipped.push(tooLarge(b.path, info.size));
      else wanted.push(b);
    });
    const contents = await batch.ask(
      wanted.map((b) => b.oid),
      true,
    );
    // Decoding 10,000 blobs is ~100 ms of one thread: in slices, so the App's event loop keeps answering.
    const pause = yieldEvery();
    for (const [i, b] of wanted.entries()) {
      const due = pause();
      if (due) await due;
      const body = contents[i]?.body;
      if (!body) throw missing(b);
      if (looksBinary(body)) skipped.push(binary(b.path));
      else files.push({ path: b.path, text: body.toString('utf8') });
    }
    await batch.close();
  } catch (e) {
    batch.kill();
    throw e;
  }
  return { files, skipped };
}

/** Reads blobs from a checked-out worktree; symlinks were already classified, and are never followed. */
export async function readWorktreeFiles(dir: string, blobs: TreeEntry[]): Promise<ReadResult> {
  const files: RepoFile[] = [];
  const skipped: Warning[] = [];
  for (const b of blobs) {
    const full = path.join(dir, b.path);
    const st = await lstat(full);
    if (!st.isFile()) continue;
    if (st.size > MAX_FILE_BYTES) {
      skipped.push(tooLarge(b.path, st.size));
      continue;
    }
    const body = await readFile(full);
    if (looksBinary(body)) skipped.push(binary(b.path));
    else files.push({ path: b.path, text: body.toString('utf8') });
  }
  return { files, skipped };
}
