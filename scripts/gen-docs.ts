/** Regenerates the configuration reference in README.md from the schema: `node --import tsx scripts/gen-docs.ts`. */
import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigReference } from '../src/core/config/readme-reference.ts';

const target = new URL('../README.md', import.meta.url);
writeFileSync(target, withConfigReference(readFileSync(target, 'utf8')));
console.log(`wrote ${target.pathname}`);
