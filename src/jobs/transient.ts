/** Which failures are worth retrying the same job for: the network, GitHub's or a registry's outage, a lost compare-and-swap. */
import { GitCommandError } from '../git/git-error.ts';
import { GitHubError } from '../github/errors.ts';
import { RegistryUnavailable } from '../registry/errors.ts';

/** git's wordings for a refused login or a missing repository: retrying cannot help. */
const GIT_TERMINAL = /authentication failed|could not read username|repository not found|permission denied|returned error: 40[134]\b/i;

export function isTransient(error: unknown): boolean {
  if (error instanceof GitHubError) return error.transient;
  if (error instanceof RegistryUnavailable) return true;
  if (error instanceof GitCommandError) return !error.corruption && ['clone', 'fetch'].includes(error.command) && !GIT_TERMINAL.test(error.message);
  return false;
}
