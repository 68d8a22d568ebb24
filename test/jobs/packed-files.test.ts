import { describe, expect, it } from 'vitest';
import { packFiles, unpackFiles } from '../../src/jobs/packed-files.ts';

describe('packed files', () => {
  it('round-trip every text byte for byte, multi-byte characters, CRLF and empty files included', () => {
    const files = [
      { path: 'a.yaml', text: 'a: 1\r\n' },
      { path: 'empty.yaml', text: '' },
      { path: 'u.yaml', text: 'name: "Zürich ☃ 𝄞"\n' },
      { path: 'b.yaml', text: 'b: 2\n' },
    ];
    const packed = packFiles(files);
    expect(packed.bytes).toBeInstanceOf(ArrayBuffer);
    expect(unpackFiles(packed)).toEqual(files);
  });
});
