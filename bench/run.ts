/**
 * `npm run bench`: runs every `bench/*.bench.ts` in its own Node process, one after the other, with
 * their output shown as it comes; exits non-zero when any of them fails.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const benches = readdirSync(dir)
  .filter((name) => name.endsWith('.bench.ts'))
  .sort();

let failed = 0;
for (const name of benches) {
  console.log(`\n=== ${name}`);
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(dir, name)], { stdio: 'inherit' });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (child.status === 0) {
    console.log(`=== ${name}: done in ${seconds} s`);
  } else {
    failed++;
    console.log(`=== ${name}: FAILED (${child.signal ?? `exit ${child.status}`}) after ${seconds} s`);
  }
}
console.log(`\n${benches.length - failed} of ${benches.length} benchmarks succeeded`);
process.exitCode = failed > 0 ? 1 : 0;
