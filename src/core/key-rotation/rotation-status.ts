/**
 * Where a repository's key rotation stands, read from its files alone: `started` when a configured
 * key Secret holds a new key after the marker (step 1 merged, step 2 not yet), `idle` otherwise. The
 * App decides from this whether to wait for the clusters and open step 2, so a restart loses nothing.
 */
import type { AgeIdentity, SopsInputFile } from '../sops/index.ts';
import { matchKeySecrets, secretIdentities } from './key-secret.ts';
import { openKeySecret } from './rotation-files.ts';
import type { KeySecretConfig, RotationProblem } from './rotation-types.ts';

/** The rotation's state and the key Secrets it read. */
export interface RotationStatus {
  state: 'idle' | 'started';
  /** Key Secret files (repo-relative) matched by the config. */
  secrets: string[];
  /** Files that could not be read (no key, bad MAC…); never holds a secret. */
  problems: RotationProblem[];
}

/** Reads the configured key Secrets with Courier's identities. */
export async function rotationStatus(files: readonly SopsInputFile[], identities: readonly AgeIdentity[], keySecrets: readonly KeySecretConfig[]): Promise<RotationStatus> {
  const problems: RotationProblem[] = [];
  const matched = matchKeySecrets(files, keySecrets, problems);
  let started = false;
  for (const s of matched) {
    const secret = await openKeySecret(s, identities, problems);
    if (!secret) continue;
    const ids = await secretIdentities(secret.loc.text, s.file.path).catch(() => undefined);
    if (ids && ids.added.length > 0) started = true;
  }
  return { state: started ? 'started' : 'idle', secrets: matched.map((s) => s.file.path), problems };
}
