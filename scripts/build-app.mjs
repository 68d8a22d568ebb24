// Builds what the container runs (issue 12: a lean image): the App and the reporter bundled by
// esbuild with their dependencies, so the runtime stages carry no node_modules, no TypeScript and no
// tsx. `npm run build` → dist/main.js (+ dist/plan-worker-entry.js, which the App starts as a worker
// thread from beside its chunks, and shared chunks) and dist/reporter.js, one file the reporter stage
// copies alone. An optional output folder is for benchmarks and tests: node scripts/build-app.mjs <dir>.
import { build } from 'esbuild';
import path from 'node:path';
import { bundleOptions as common, root } from './bundle-options.mjs';

const outdir = path.resolve(root, process.argv[2] ?? 'dist');
await build({ ...common, entryPoints: ['src/main.ts', 'src/jobs/plan-worker-entry.ts'], outdir, splitting: true, entryNames: '[name]' });
await build({ ...common, entryPoints: ['src/reporter.ts'], outfile: path.join(outdir, 'reporter.js') });
