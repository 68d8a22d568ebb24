/**
 * The per-cluster report secrets: a YAML map `cluster name → secret` in the file named by
 * `COURIER_CLUSTER_SECRETS_FILE` (a mounted Secret in Kubernetes). Secrets never appear in errors.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, parseDocument } from 'yaml';

/** A problem with the secrets file; says where. */
export class ClusterSecretsError extends Error {
  override name = 'ClusterSecretsError';
}

/** Parses the YAML text of a secrets file. */
export function parseClusterSecrets(text: string, file = 'cluster secrets'): Map<string, string> {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new ClusterSecretsError(`${file}:${e.linePos?.[0]?.line ?? '?'}: invalid YAML (${e.code})`);
  }
  const secrets = new Map<string, string>();
  if (doc.contents === null) return secrets;
  if (!isMap(doc.contents)) throw new ClusterSecretsError(`${file}: expected a map of cluster name → secret`);
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    const line = pair.key && isScalar(pair.key) && pair.key.range ? lineOf(text, pair.key.range[0]) : '?';
    if (!key) throw new ClusterSecretsError(`${file}:${line}: cluster name must be a string`);
    if (typeof value !== 'string' || value.length < 16) {
      throw new ClusterSecretsError(`${file}:${line}: secret of cluster "${key}" must be a string of at least 16 characters`);
    }
    secrets.set(key, value);
  }
  return secrets;
}

/** Reads and parses the secrets file. */
export function loadClusterSecrets(file: string, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): Map<string, string> {
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    throw new ClusterSecretsError(`${file}: cannot read COURIER_CLUSTER_SECRETS_FILE (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseClusterSecrets(text, file);
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
