/** Picks the store for a file and reads its tree and metadata, without any key. */
import { SopsError } from './sops-error.ts';
import { parseSopsMetadata, type SopsMetadata } from './sops-metadata.ts';
import { parseDotenvStore } from './stores/dotenv-store.ts';
import { parseIniStore } from './stores/ini-store.ts';
import { parseJsonStore } from './stores/json-store.ts';
import { formatForPath, type ParsedStore, type SopsFormat } from './stores/sops-store.ts';
import { parseYamlStore } from './stores/yaml-store.ts';

/** A file of the repository, by repo-relative POSIX path. */
export interface SopsInputFile {
  path: string;
  text: string;
}

export interface ParsedSopsFile {
  path: string;
  store: ParsedStore;
  /** Undefined for a plaintext file. */
  metadata?: SopsMetadata;
}

/** Cheap byte test before parsing (Flux decides the same way, FORMAT.md §11): does the file carry a SOPS MAC? */
export function looksEncrypted(text: string): boolean {
  return text.includes('mac: ENC[') || text.includes('"mac": "ENC[') || text.includes('sops_mac=ENC[') || /^\[sops\]/m.test(text);
}

export function parseSopsFile(file: SopsInputFile, format: SopsFormat = formatForPath(file.path)): ParsedSopsFile {
  let store: ParsedStore;
  switch (format) {
    case 'yaml':
      store = parseYamlStore(file.text, file.path);
      break;
    case 'json':
      store = parseJsonStore(file.text, file.path);
      break;
    case 'binary':
      store = parseJsonStore(file.text, file.path, true);
      break;
    case 'dotenv':
      store = parseDotenvStore(file.text, file.path);
      break;
    case 'ini':
      store = parseIniStore(file.text, file.path);
      break;
  }
  const out: ParsedSopsFile = { path: file.path, store };
  if (store.metadata !== undefined) out.metadata = parseSopsMetadata(store.metadata, file.path, store.metadataLine);
  return out;
}

/** The metadata of an encrypted file, or SopsError `not-encrypted`. */
export function requireMetadata(p: ParsedSopsFile): SopsMetadata {
  if (!p.metadata) throw new SopsError('not-encrypted', p.path, 'has no sops metadata block: it is not a SOPS-encrypted file');
  return p.metadata;
}
