/**
 * `pull_request` opened, synchronize or reopened → the `courier/secrets` check run on its head
 * (`src/jobs/secrets-check.ts`), for repositories with a valid Courier config. Not awaited: the
 * webhook is answered at once, the check follows.
 */
import type { Context } from 'probot';
import type { AppDeps } from '../app-deps.ts';
import { configuredTargets } from './fan-out.ts';
import type { InstallationCache } from './installation-cache.ts';

type Deps = Pick<AppDeps, 'validateConfig' | 'checkSecrets'>;

export async function checkSecretsOnPullRequest(context: Context<'pull_request'>, deps: Deps, cache?: InstallationCache): Promise<void> {
  const { payload } = context;
  const installation = (payload as { installation?: { id: number } }).installation;
  if (!deps.checkSecrets || !installation) return;
  const [target] = await configuredTargets(context.octokit, installation.id, [payload.repository as never], deps, context.log, cache);
  if (!target) return;
  const pr = payload.pull_request;
  // A fork's commits are fetchable from the base repository through the pull request's ref.
  const sameRepo = pr.head.repo?.full_name === payload.repository.full_name;
  const head = { number: pr.number, sha: pr.head.sha, ref: sameRepo ? pr.head.ref : `refs/pull/${pr.number}/head` };
  deps.checkSecrets(target, head).catch((error: unknown) => context.log.error({ err: error }, `${target.owner}/${target.repo}#${pr.number}: secrets check failed; the next push to the pull request runs it again`));
}
