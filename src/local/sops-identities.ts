/** Courier's age identities in local mode, given the way sops users give them: SOPS_AGE_KEY or SOPS_AGE_KEY_FILE. */
import { readFile } from 'node:fs/promises';
import { AgeIdentityError, parseAgeIdentities, type AgeIdentity } from '../core/sops/index.ts';
import { LocalModeError } from './load-local-repo.ts';

/** Reads the identities; `required` makes their absence a LocalModeError that names both variables. */
export async function identitiesFromEnv(env: Record<string, string | undefined>, required: boolean): Promise<AgeIdentity[]> {
  const inline = env.SOPS_AGE_KEY;
  const file = env.SOPS_AGE_KEY_FILE;
  if (!inline && !file) {
    if (!required) return [];
    throw new LocalModeError('no age identity: set SOPS_AGE_KEY (AGE-SECRET-KEY-1… lines) or SOPS_AGE_KEY_FILE (path of an age key file), as you would for sops');
  }
  const out: AgeIdentity[] = [];
  try {
    if (inline) out.push(...(await parseAgeIdentities(inline, 'SOPS_AGE_KEY')));
    if (file) {
      const text = await readFile(file, 'utf8').catch(() => {
        throw new LocalModeError(`SOPS_AGE_KEY_FILE=${file} cannot be read: give the path of an age key file`);
      });
      out.push(...(await parseAgeIdentities(text, 'SOPS_AGE_KEY_FILE')));
    }
  } catch (e) {
    if (e instanceof AgeIdentityError) throw new LocalModeError(e.message);
    throw e;
  }
  if (out.length === 0 && required) throw new LocalModeError('SOPS_AGE_KEY / SOPS_AGE_KEY_FILE hold no AGE-SECRET-KEY-1… identity');
  return out;
}
