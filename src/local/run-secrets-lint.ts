/** `courier secrets-lint`: the `courier/secrets` check on HEAD's files of a local repository. */
import { lintSecrets, type SecretsFinding } from '../core/sops/index.ts';
import { readTree } from '../git/local-repo.ts';
import { LocalModeError } from './load-local-repo.ts';
import { identitiesFromEnv } from './sops-identities.ts';
import { statSync } from 'node:fs';

export async function runSecretsLint(dir: string, env: Record<string, string | undefined>): Promise<{ findings: SecretsFinding[]; verified: boolean }> {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new LocalModeError(`${dir} is not a directory: pass the folder of a git checkout to --repo`);
  const identities = await identitiesFromEnv(env, false);
  const { files } = await readTree(dir, 'HEAD', { include: () => true });
  return { findings: await lintSecrets({ files, identities }), verified: identities.length > 0 };
}

export function formatSecretsLint(r: { findings: SecretsFinding[]; verified: boolean }): string {
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const lines = r.findings.map((f) => `${f.file}${f.line ? `:${f.line}` : ''}: ${f.severity}: ${f.message} [${f.kind}]`);
  if (!r.verified) lines.push('note: no SOPS_AGE_KEY or SOPS_AGE_KEY_FILE, so MACs were not verified');
  lines.push(errors === 0 ? 'courier/secrets: passed' : `courier/secrets: ${errors} error${errors === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}
