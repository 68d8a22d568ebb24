// Bundles the CLI into dist/cli/ (esbuild, dependencies included), so `courier` runs compiled
// JavaScript instead of loading TypeScript through tsx at every start (issue 12). Dependencies are
// bundled too: loading them from node_modules module by module (zod alone opens 95 files, every
// locale) cost `courier plan` ~95 ms of its ~0.9 s; tree-shaken into the chunks they cost ~40 ms.
// Run by `npm run build:cli` and by `prepare` (after `npm ci`). bin/courier.js falls back to tsx when
// dist/cli/cli.js is missing or older than a source file, so an edited checkout never runs stale code.
// Split into chunks: each command's engine is a chunk loaded when the command runs, so `--help`
// loads commander and the command table only.
import { build } from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';

await build({ ...bundleOptions, entryPoints: ['src/cli.ts'], outdir: 'dist/cli', splitting: true });
