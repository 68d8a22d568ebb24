/**
 * Reads a commit's files through the blob cache: the tree listing of a commit already read costs no
 * git call, blobs already read are taken from memory by object id, and only the others are looked for
 * (`rev-list` over the objects new since a commit read before, which is proportional to the change),
 * fetched when the blobless clone lacks them, and read. The answer is the same as a cold read's
 * (`listTree` → `classify` → `fetchMissingBlobs` → `readBlobs`), file for file and in the same order.
 */
import type { RepoFile } from '../core/repo-model/repo-file.ts';
import type { Warning } from '../core/proposal/change.ts';
import type { BlobCache, BlobOutcome } from './blob-cache.ts';
import { yieldEvery } from '../event-loop-yield.ts';
import { runGit, type GitProcessOptions } from './git-process.ts';
import { classify, fetchBlobs, fetchMissingBlobs, listTree, readBlobs, type ReadResult, type TreeEntry } from './tree-reader.ts';

/** What an incremental read did, for the clone cache's counters and the benchmark. */
export interface IncrementalReadStats {
  /** Blobs taken from memory. */
  cached: number;
  /** Blobs read from the object store. */
  read: number;
  /** Whether a fetch of missing blobs ran. */
  fetched: boolean;
  /** How missing blobs were looked for: not at all (all in memory), among the objects new since a commit read before, or over the whole tree. */
  checked: 'none' | 'changes' | 'whole-tree';
  /** Whether the listing came from memory. */
  listingCached: boolean;
}

/** Reads the files of `sha` that pass `filter`, in git's path order, using and filling `cache` for `repo`. */
export async function readIncrementally(
  cache: BlobCache,
  repo: string,
  sha: string,
  filter: ((path: string) => boolean) | undefined,
  opts: GitProcessOptions,
): Promise<ReadResult & { stats: IncrementalReadStats }> {
  const before = cache.commits(repo).filter((c) => c !== sha).at(-1);
  let entries = cache.listing(repo, sha);
  const listingCached = entries !== undefined;
  if (!entries) {
    entries = await listTree(sha, opts);
    cache.setListing(repo, sha, entries);
  }
  const { blobs, skipped } = classify(entries, filter);
  const outcomes = new Map<string, BlobOutcome>();
  const unread: TreeEntry[] = [];
  // A 10,000-file read is 20,000 cache lookups and pushes: in slices, so the App's event loop keeps answering.
  const pause = yieldEvery();
  for (const b of blobs) {
    const due = pause();
    if (due) await due;
    const outcome = outcomes.get(b.oid) ?? cache.blob(repo, b.oid);
    if (outcome) outcomes.set(b.oid, outcome);
    else unread.push(b);
  }
  let check: { fetched: boolean; checked: IncrementalReadStats['checked'] } = { fetched: false, checked: 'none' };
  if (unread.length > 0) {
    check = await fetchUnread(sha, before, unread, opts);
    for (const [oid, outcome] of await readOutcomes(unread, opts, pause)) {
      const due = pause();
      if (due) await due;
      outcomes.set(oid, outcome);
      cache.setBlob(repo, oid, outcome);
    }
  }
  const files: RepoFile[] = [];
  const warnings: Warning[] = [...skipped];
  for (const b of blobs) {
    const due = pause();
    if (due) await due;
    const outcome = outcomes.get(b.oid)!;
    if ('text' in outcome) files.push({ path: b.path, text: outcome.text });
    else warnings.push({ code: outcome.skipped.code, file: b.path, message: `${b.path}${outcome.skipped.detail}` });
  }
  warnings.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? ''));
  return { files, skipped: warnings, stats: { cached: blobs.length - unread.length, read: unread.length, ...check, listingCached } };
}

/**
 * Fetches the unread blobs the clone lacks. With a commit read before, `rev-list <sha> --not <before>`
 * lists just the objects new since then, with the missing ones marked; an unread blob it does not
 * list (one evicted from memory, or never wanted before) sends the check over the whole tree.
 */
async function fetchUnread(
  sha: string,
  before: string | undefined,
  unread: TreeEntry[],
  opts: GitProcessOptions,
): Promise<{ fetched: boolean; checked: 'changes' | 'whole-tree' }> {
  const wholeTree = async () => ({ fetched: await fetchMissingBlobs(sha, unread, opts), checked: 'whole-tree' as const });
  if (before) {
    const listed = new Set<string>();
    const missing = new Set<string>();
    try {
      const out = await runGit(['rev-list', '--objects', '--missing=print', sha, '--not', before], opts);
      for (const line of out.toString('utf8').split('\n')) {
        if (line.startsWith('?')) missing.add(line.slice(1));
        else if (line !== '') listed.add(line.slice(0, line.indexOf(' ') < 0 ? undefined : line.indexOf(' ')));
      }
    } catch {
      // The earlier commit may have been pruned from the clone: check the whole tree instead.
      return wholeTree();
    }
    if (unread.every((b) => listed.has(b.oid) || missing.has(b.oid))) {
      const fetched = await fetchBlobs(
        unread.filter((b) => missing.has(b.oid)).map((b) => b.oid),
        opts,
      );
      return { fetched, checked: 'changes' };
    }
  }
  // Without this check, cat-file would still fetch each missing blob lazily, one round trip per blob.
  return wholeTree();
}

/** Reads blobs (one `cat-file` process) and returns each object id's outcome. */
async function readOutcomes(unread: TreeEntry[], opts: GitProcessOptions, pause: () => Promise<void> | undefined): Promise<Map<string, BlobOutcome>> {
  // One entry per object id: the same content under two paths is read once.
  const byOid = new Map<string, TreeEntry>();
  for (const b of unread) if (!byOid.has(b.oid)) byOid.set(b.oid, b);
  const read = await readBlobs([...byOid.values()], opts);
  const oidOf = new Map([...byOid.values()].map((b) => [b.path, b.oid]));
  const outcomes = new Map<string, BlobOutcome>();
  for (const f of read.files) {
    const due = pause();
    if (due) await due;
    outcomes.set(oidOf.get(f.path)!, { text: f.text });
  }
  for (const w of read.skipped) {
    const path = w.file!;
    const detail = w.message.startsWith(path) ? w.message.slice(path.length) : `: ${w.message}`;
    outcomes.set(oidOf.get(path)!, { skipped: { code: w.code, detail } });
  }
  return outcomes;
}
