/**
 * Random bytes for the many small values a re-key draws (a 32-byte IV per SOPS value, age file keys
 * and nonces): one `randomFillSync` of 64 KiB serves thousands of them, each byte handed out once and
 * wiped from the pool. Per-call `randomBytes(32)` was ~9% of rotating 1,000 files (bench/sops.bench.ts).
 */
import { randomFillSync } from 'node:crypto';

const POOL = Buffer.alloc(64 * 1024);
let offset = POOL.length;

/** `n` fresh random bytes (a copy; the pool's bytes are zeroed as they are taken). */
export function pooledRandom(n: number): Buffer {
  if (n > POOL.length) return randomFillSync(Buffer.alloc(n));
  if (offset + n > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const out = Buffer.from(POOL.subarray(offset, offset + n));
  POOL.fill(0, offset, offset + n);
  offset += n;
  return out;
}
