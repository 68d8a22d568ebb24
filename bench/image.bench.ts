/**
 * Container images (issue 12: the App ≤ 350 MB on the 278 MB `node:22-bookworm-slim`; it was 637 MB):
 * builds both targets of the Dockerfile with podman and prints each image's size and each layer's
 * (`podman history`). No registry is reachable here, so the base must be made locally first:
 * `../shared/tools/container-base.sh` (root), which writes `$COURIER_CTR/env` (default /tmp/courier-ctr).
 * Without podman or that file the bench says so and measures nothing.
 * Run: node --import tsx bench/image.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const ctr = process.env.COURIER_CTR ?? '/tmp/courier-ctr';
const envFile = path.join(ctr, 'env');
const TARGET_MB = 350;

if (spawnSync('podman', ['--version']).status !== 0 || !existsSync(envFile)) {
  console.log(`image sizes: skipped (needs podman and ${envFile}: run ../shared/tools/container-base.sh as root first)`);
  process.exit(0);
}
const env = { ...process.env, ...Object.fromEntries(readFileSync(envFile, 'utf8').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])) };
const podman = (args: string[]) => {
  const r = spawnSync('podman', args, { cwd: root, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`podman ${args.join(' ')} failed:\n${r.stderr.slice(-2000)}`);
  return r.stdout;
};

console.log('container images (podman, base node:22-bookworm-slim made locally):');
for (const [name, target] of [['courier-bench', undefined], ['courier-bench-reporter', 'reporter']] as const) {
  podman(['build', '--pull=never', '-q', '-t', name, ...(target ? ['--target', target] : []), '.']);
  const bytes = Number(podman(['image', 'inspect', '--format', '{{.Size}}', name]).trim());
  const mb = bytes / 1e6;
  console.log(`  ${target ? `--target ${target}` : 'default (the App)'}: ${mb.toFixed(0)} MB${target ? '' : ` (target ≤ ${TARGET_MB} MB: ${mb <= TARGET_MB ? 'met' : 'MISSED'})`}`);
  for (const line of podman(['history', '--format', '{{.Size}}\t{{.CreatedBy}}', name]).trim().split('\n')) {
    const [size, by] = line.split('\t');
    if (size !== '0 B') console.log(`    ${size!.padStart(9)}  ${by!.replace(/^\/bin\/sh -c (#\(nop\) )?/, '').slice(0, 90)}`);
  }
}
