/** Loads `test/conformance/sops/cases.json` (the repo copy of the shared interop fixtures). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONFORMANCE_DIR = fileURLToPath(new URL('../../conformance/sops/', import.meta.url));

export interface ConformanceCase {
  id: string;
  file: string;
  format: 'yaml' | 'json' | 'dotenv' | 'binary';
  keyFile: string;
  expected: string | null;
  expectedFormat: 'json' | 'yaml' | 'raw' | null;
  macValid: boolean;
  decryptValues: boolean;
  failure?: 'mac-decrypt' | 'value-decrypt' | 'mac-mismatch';
  dataKeyHex: string;
  macHex?: string;
  optional: boolean;
}

export const cases: ConformanceCase[] = (JSON.parse(readFileSync(join(CONFORMANCE_DIR, 'cases.json'), 'utf8')) as { cases: ConformanceCase[] }).cases;
export const readConformance = (rel: string) => readFileSync(join(CONFORMANCE_DIR, rel), 'utf8');
export const readConformanceBytes = (rel: string) => new Uint8Array(readFileSync(join(CONFORMANCE_DIR, rel)));
