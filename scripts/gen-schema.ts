/** Regenerates `schema/courier-config.schema.json`: `node --import tsx scripts/gen-schema.ts`. */
import { writeFileSync } from 'node:fs';
import { courierConfigJsonSchema } from '../src/core/config/index.ts';

const target = new URL('../schema/courier-config.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(courierConfigJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
