/**
 * `repository_dispatch` of type `courier-rotate-keys`: any CI (or a person with `gh api`) starts a SOPS
 * key rotation, as `/courier rotate-keys` does. Progress between the steps rides on the promotion
 * triggers (push, cluster check runs, resync), so this handler only starts one.
 */
import type { Context } from 'probot';
import type { AppDeps } from '../app-deps.ts';
import { configuredTargets } from './fan-out.ts';
import type { InstallationCache } from './installation-cache.ts';

export const ROTATE_DISPATCH_TYPE = 'courier-rotate-keys';

/** Starts a rotation for the dispatching repository; the outcome goes to the log (there is no one to reply to). */
export async function rotateOnDispatch(context: Context<'repository_dispatch'>, deps: Pick<AppDeps, 'validateConfig' | 'rotateKeys'>, cache?: InstallationCache): Promise<void> {
  const { payload } = context;
  if (payload.action !== ROTATE_DISPATCH_TYPE || !deps.rotateKeys || !payload.installation) return;
  const [target] = await configuredTargets(context.octokit, payload.installation.id, [payload.repository as never], deps, context.log, cache);
  if (!target) return;
  // Not awaited: a rotation plans every SOPS file; the delivery is answered at once.
  deps
    .rotateKeys(target, `${ROTATE_DISPATCH_TYPE} dispatch by ${payload.sender?.login ?? 'unknown'}`)
    .then((text) => context.log.info(`${target.owner}/${target.repo}: key rotation: ${text}`))
    .catch((error: unknown) => context.log.error({ err: error }, `${target.owner}/${target.repo}: key rotation failed to start`));
}
