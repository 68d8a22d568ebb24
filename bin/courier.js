#!/usr/bin/env node
// Runs the compiled CLI (dist/cli/, built by `npm ci` through `prepare`, or `npm run build:cli`), or the
// TypeScript sources through tsx when no build exists or a source file is newer than it — so a
// checkout being edited never runs stale code, and an installed one starts fast (issue 12).
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = `${root}dist/cli/cli.js`;

function builtAt() {
  try {
    return statSync(compiled).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestSource() {
  let newest = 0;
  for (const entry of readdirSync(`${root}src`, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(`${entry.parentPath ?? entry.path}/${entry.name}`).mtimeMs);
  }
  return newest;
}

const built = builtAt();
let main;
if (built !== undefined && built >= newestSource()) {
  ({ main } = await import(compiled));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli.ts'));
}
process.exitCode = await main(process.argv.slice(2));
