/**
 * Files packed into transferable buffers for the planning worker: a structured clone of 10,000 file
 * texts (20 MB) blocks the sending thread for ~300 ms, a transfer of ArrayBuffers does not; the
 * encoding is done in chunks between yields, and the decoding happens in the worker.
 */
import type { RepoFile } from '../core/repo-model/repo-file.ts';
import { yieldEvery } from '../event-loop-yield.ts';

export interface PackedFiles {
  paths: string[];
  /** Length of each file's text in UTF-16 code units, in `paths` order. */
  lengths: number[];
  /** The texts as UTF-8, in `paths` order, a whole number of files per chunk. */
  chunks: ArrayBuffer[];
  /** How many files each chunk holds. */
  counts: number[];
}

/**
 * UTF-16 code units encoded per chunk: one join and encode per chunk (per-file encoding of 10,000
 * texts costs more), small enough that a chunk takes a few milliseconds even before V8 has optimised
 * the loop. Chunks of 1,000 files (2 MB) took 40–80 ms each at a cold start, past any yield check.
 * The chunks travel as they are: joining them into one buffer (zero-filling and copying 20 MB) held
 * the event loop 50–80 ms.
 */
const CHUNK_CHARS = 128 * 1024;

/** Packs the files, yielding to the event loop between chunks once a slice of time is spent (a 20 MB fleet in one go held it ~140 ms). */
export async function packFiles(files: readonly RepoFile[]): Promise<PackedFiles> {
  const encoder = new TextEncoder();
  const chunks: ArrayBuffer[] = [];
  const counts: number[] = [];
  const pause = yieldEvery();
  for (let i = 0; i < files.length; ) {
    const due = pause();
    if (due) await due;
    const texts: string[] = [];
    for (let chars = 0; i < files.length && (texts.length === 0 || chars + files[i]!.text.length <= CHUNK_CHARS); i++) {
      texts.push(files[i]!.text);
      chars += files[i]!.text.length;
    }
    chunks.push(encoder.encode(texts.join('')).buffer as ArrayBuffer);
    counts.push(texts.length);
  }
  return { paths: files.map((f) => f.path), lengths: files.map((f) => f.text.length), chunks, counts };
}

export function unpackFiles(packed: PackedFiles): RepoFile[] {
  const decoder = new TextDecoder();
  const files: RepoFile[] = [];
  packed.chunks.forEach((chunk, c) => {
    const all = decoder.decode(new Uint8Array(chunk));
    let at = 0;
    for (let n = 0; n < packed.counts[c]!; n++) {
      const i = files.length;
      const end = at + packed.lengths[i]!;
      files.push({ path: packed.paths[i]!, text: all.slice(at, end) });
      at = end;
    }
  });
  return files;
}
