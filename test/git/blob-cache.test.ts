import { describe, expect, it } from 'vitest';
import { BlobCache } from '../../src/git/blob-cache.ts';

const entry = (path: string) => ({ mode: '100644', type: 'blob', oid: 'f'.repeat(40), path });

describe('BlobCache', () => {
  it('evicts the least recently used entries to stay within its budget, across repositories', () => {
    // Each 100-character text costs 200 + 120 estimated bytes: three fit in 1,000.
    const cache = new BlobCache({ maxBytes: 1000 });
    const text = 'x'.repeat(100);
    cache.setBlob('a', '1', { text });
    cache.setBlob('b', '2', { text });
    cache.setBlob('a', '3', { text });
    expect(cache.blob('a', '1')).toEqual({ text }); // now the most recent
    cache.setBlob('b', '4', { text });

    expect(cache.blob('b', '2')).toBeUndefined();
    expect(['1', '3'].map((oid) => cache.blob('a', oid))).toEqual([{ text }, { text }]);
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 960, evictions: 1 });
  });

  it('keys blobs per repository and keeps an entry larger than the budget nowhere', () => {
    const cache = new BlobCache({ maxBytes: 1000 });
    cache.setBlob('a', '1', { skipped: { code: 'binary-file', detail: ': binary file, skipped' } });
    cache.setBlob('a', '2', { text: 'y'.repeat(1000) });
    expect(cache.blob('b', '1')).toBeUndefined();
    expect(cache.blob('a', '1')).toEqual({ skipped: { code: 'binary-file', detail: ': binary file, skipped' } });
    expect(cache.blob('a', '2')).toBeUndefined();
  });

  it('keeps the newest listings of each repository and forgets a repository whole', () => {
    const cache = new BlobCache({ listingsPerRepo: 2 });
    cache.setListing('a', 'c1', [entry('x.yaml')]);
    cache.setListing('a', 'c2', [entry('x.yaml')]);
    cache.setListing('b', 'c1', [entry('y.yaml')]);
    cache.setListing('a', 'c3', [entry('z.yaml')]);
    cache.setBlob('a', '1', { text: 'a' });

    expect(cache.commits('a')).toEqual(['c2', 'c3']);
    expect(cache.listing('a', 'c1')).toBeUndefined();
    expect(cache.listing('a', 'c3')).toEqual([entry('z.yaml')]);

    cache.forget('a');
    expect(cache.commits('a')).toEqual([]);
    expect(cache.blob('a', '1')).toBeUndefined();
    expect(cache.listing('b', 'c1')).toEqual([entry('y.yaml')]);
  });
});
