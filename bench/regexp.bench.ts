/**
 * Go patterns from a repository's config (`filterTags.pattern`, `exclusionList`) on re2js versus a
 * backtracking engine (JS `RegExp`, which the hand translation used to run). The pattern `^(a+)+$`
 * against `a…a!` is the textbook exponential case: backtracking time doubles with each `a`, re2js
 * stays linear. The backtracking side stops at 26 characters so the benchmark itself finishes.
 */
import { compileGoRegexp } from '../src/core/policies/go-regexp.ts';

const PATTERN = '^(a+)+$';

function time(fn: () => void, runs = 5): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const re2 = compileGoRegexp(PATTERN);
const backtracking = new RegExp(PATTERN);
console.log(`pattern ${PATTERN}, input "a"×n + "!" (no match), median of 5 runs`);
console.log('n'.padStart(8), 'backtracking ms'.padStart(18), 're2js ms'.padStart(12));
for (const n of [16, 20, 22, 24, 26, 1_000, 100_000]) {
  const input = `${'a'.repeat(n)}!`;
  const bt = n <= 26 ? time(() => backtracking.test(input), n >= 24 ? 1 : 5).toFixed(2) : '(skipped)';
  const linear = time(() => {
    if (re2.test(input)) throw new Error('unexpected match');
  }).toFixed(2);
  console.log(String(n).padStart(8), bt.padStart(18), linear.padStart(12));
}
