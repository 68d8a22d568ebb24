/** Loads a registry notification fixture from test/fixtures/registry as raw bytes and parsed JSON. */
import { readFileSync } from 'node:fs';

/** The raw bytes and parsed JSON of `test/fixtures/registry/<name>.json`. */
export function fixture(name: string): { raw: Buffer; json: unknown } {
  const raw = readFileSync(new URL(`../fixtures/registry/${name}.json`, import.meta.url));
  return { raw, json: JSON.parse(raw.toString('utf8')) };
}
