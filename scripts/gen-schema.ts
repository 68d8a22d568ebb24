/** Regenerates the published config schema and its reference: `node --import tsx scripts/gen-schema.ts`. */
import { writeFileSync } from 'node:fs';
import { configReferenceDocument, courierConfigJsonSchema } from '../src/core/config/index.ts';

const schema = new URL('../schema/courier-config.schema.json', import.meta.url);
const reference = new URL('../schema/courier-config.md', import.meta.url);
writeFileSync(schema, `${JSON.stringify(courierConfigJsonSchema(), null, 2)}\n`);
writeFileSync(reference, configReferenceDocument());
console.log(`wrote ${schema.pathname} and ${reference.pathname}`);
