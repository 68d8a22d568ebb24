import { describe, expect, it } from 'vitest';
import { setYieldSlice } from '../../src/event-loop-yield.ts';
import { packFiles, unpackFiles } from '../../src/jobs/packed-files.ts';

describe('packed files', () => {
  it('round-trip every text byte for byte, multi-byte characters, CRLF and empty files included', async () => {
    const files = [
      { path: 'a.yaml', text: 'a: 1\r\n' },
      { path: 'empty.yaml', text: '' },
      { path: 'u.yaml', text: 'name: "Zürich ☃ 𝄞"\n' },
      { path: 'b.yaml', text: 'b: 2\n' },
    ];
    const packed = await packFiles(files);
    for (const chunk of packed.chunks) expect(chunk).toBeInstanceOf(ArrayBuffer);
    expect(unpackFiles(packed)).toEqual(files);
  });

  it('lets the event loop run between slices of a large pack, and still round-trips across slices', async () => {
    const files = Array.from({ length: 2500 }, (_, i) => ({ path: `f-${i}.yaml`, text: i % 7 === 0 ? `ü: ${i} 𝄞\r\n` : `k: ${i}\n` }));
    const turns: string[] = [];
    const slice = setYieldSlice(0); // every check yields: proves the loop has its yield points, whatever this machine's speed
    setImmediate(() => turns.push('event loop'));
    const packed = await packFiles(files)
      .then((p) => (turns.push('packed'), p))
      .finally(() => setYieldSlice(slice));
    expect(turns).toEqual(['event loop', 'packed']);
    expect(unpackFiles(packed)).toEqual(files);
  });

  it('encodes a few hundred kilobytes between yield checks, however the texts are split into files', async () => {
    // 2,000 files of 2 kB (4 MB): packed in chunks of 1,000 files, a cold start held the event loop 40–80 ms per chunk.
    const files = Array.from({ length: 2000 }, (_, i) => ({ path: `f-${i}.yaml`, text: `# ${i}\n${'k: v\n'.repeat(500)}` }));
    let turns = 0;
    let done = false;
    const slice = setYieldSlice(0);
    const counting = (async () => {
      while (!done) await new Promise((resolve) => setImmediate(resolve)).then(() => turns++);
    })();
    const packed = await packFiles(files).finally(() => ((done = true), setYieldSlice(slice)));
    await counting;
    const chars = files.reduce((n, f) => n + f.text.length, 0);
    expect(turns).toBeGreaterThanOrEqual(Math.floor(chars / (128 * 1024)));
    expect(unpackFiles(packed)).toEqual(files);
  });
});
