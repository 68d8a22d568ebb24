/**
 * What the App has already read from each repository, kept in memory so that a warm event re-reads
 * only what changed: each blob's text (or why it was skipped) keyed by its git object id, which names
 * its content exactly, and the tree listing of the commits read last. One least-recently-used budget
 * covers every repository; nothing here runs git (see incremental-read.ts).
 */
import type { TreeEntry } from './tree-reader.ts';

/** What reading a blob gave: its text, or the reason it was skipped (`detail` follows the path in the warning). */
export type BlobOutcome = { text: string } | { skipped: { code: string; detail: string } };

/** Memory budget of the blob cache. */
export interface BlobCacheOptions {
  /** Evict least-recently-used entries while their estimated size is above this (default 256 MiB). */
  maxBytes?: number;
  /** Tree listings kept per repository (default 2: a burst reads one commit, a merge moves it on). */
  listingsPerRepo?: number;
}

/** Default budget: a 10,000-file fleet costs ~45 MB estimated (UTF-16 size plus per-entry overhead). */
export const DEFAULT_BLOB_CACHE_BYTES = 256 * 1024 ** 2;

/** Rough V8 cost of a map entry and its small objects, beside the string data. */
const ENTRY_OVERHEAD = 120;

interface Item {
  bytes: number;
  value: BlobOutcome | TreeEntry[];
}

/** Per-repository memory of blobs by id and of recent tree listings by commit, under one LRU budget. */
export class BlobCache {
  /** Insertion order is recency order: a hit is deleted and set again. */
  readonly #items = new Map<string, Item>();
  /** Commits whose listing is kept, per repository, oldest first. */
  readonly #commits = new Map<string, string[]>();
  #bytes = 0;
  readonly #maxBytes: number;
  readonly #listingsPerRepo: number;
  readonly #counters = { hits: 0, misses: 0, evictions: 0 };

  constructor(options: BlobCacheOptions = {}) {
    this.#maxBytes = options.maxBytes ?? DEFAULT_BLOB_CACHE_BYTES;
    this.#listingsPerRepo = Math.max(1, options.listingsPerRepo ?? 2);
  }

  /** The outcome of reading blob `oid` in `repo`, if kept; counts a hit or a miss. */
  blob(repo: string, oid: string): BlobOutcome | undefined {
    const item = this.#touch(blobKey(repo, oid));
    if (item) this.#counters.hits++;
    else this.#counters.misses++;
    return item?.value as BlobOutcome | undefined;
  }

  /** Keeps what reading blob `oid` gave. */
  setBlob(repo: string, oid: string, outcome: BlobOutcome): void {
    const size = 'text' in outcome ? outcome.text.length * 2 : outcome.skipped.detail.length * 2;
    this.#put(blobKey(repo, oid), { bytes: size + ENTRY_OVERHEAD, value: outcome });
  }

  /** The full tree listing of commit `sha` in `repo`, if kept. */
  listing(repo: string, sha: string): TreeEntry[] | undefined {
    return this.#touch(listingKey(repo, sha))?.value as TreeEntry[] | undefined;
  }

  /** Keeps the listing of `sha`; older listings of the repository beyond `listingsPerRepo` are dropped. */
  setListing(repo: string, sha: string, entries: TreeEntry[]): void {
    let bytes = ENTRY_OVERHEAD;
    for (const e of entries) bytes += e.path.length * 2 + 2 * ENTRY_OVERHEAD;
    this.#put(listingKey(repo, sha), { bytes, value: entries });
    const commits = (this.#commits.get(repo) ?? []).filter((c) => c !== sha);
    commits.push(sha);
    while (commits.length > this.#listingsPerRepo) this.#drop(listingKey(repo, commits.shift()!));
    this.#commits.set(repo, commits);
  }

  /** The commits of `repo` whose listing is kept, newest last. */
  commits(repo: string): readonly string[] {
    return (this.#commits.get(repo) ?? []).filter((sha) => this.#items.has(listingKey(repo, sha)));
  }

  /** Drops everything kept for `repo` (its clone was removed or found corrupt). */
  forget(repo: string): void {
    const prefix = `${repo}\n`;
    for (const key of [...this.#items.keys()]) if (key.startsWith(prefix)) this.#drop(key);
    this.#commits.delete(repo);
  }

  /** Entries kept, their estimated size, and lookups answered from memory or not. */
  stats(): { entries: number; bytes: number; hits: number; misses: number; evictions: number } {
    return { entries: this.#items.size, bytes: this.#bytes, ...this.#counters };
  }

  #touch(key: string): Item | undefined {
    const item = this.#items.get(key);
    if (item) {
      this.#items.delete(key);
      this.#items.set(key, item);
    }
    return item;
  }

  #put(key: string, item: Item): void {
    this.#drop(key);
    // An entry larger than the whole budget is not kept at all.
    if (item.bytes > this.#maxBytes) return;
    this.#items.set(key, item);
    this.#bytes += item.bytes;
    for (const [oldest] of this.#items) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#drop(oldest);
      this.#counters.evictions++;
    }
  }

  #drop(key: string): void {
    const item = this.#items.get(key);
    if (!item) return;
    this.#items.delete(key);
    this.#bytes -= item.bytes;
  }
}

function blobKey(repo: string, oid: string): string {
  return `${repo}\nblob ${oid}`;
}

function listingKey(repo: string, sha: string): string {
  return `${repo}\ntree ${sha}`;
}
