/**
 * The INI store is not implemented: FORMAT.md §15 found no age-encrypted INI fixture to test against,
 * and Flux repositories rarely hold INI secrets. Such files are reported, never changed.
 */
import { SopsError } from '../sops-error.ts';
import type { ParsedStore } from './sops-store.ts';

export function parseIniStore(_text: string, file: string): ParsedStore {
  throw new SopsError('unsupported', file, 'INI SOPS files are not supported by Courier yet; re-key this file with the sops CLI');
}
