/**
 * What re-evaluates promotions (level-triggered, so any one of them is enough): a push to the default
 * branch, the completion of one of Courier's own `courier/<env>/<cluster>` check runs, and a
 * `repository_dispatch` of type `courier-promote` (client_payload `{"environment": "<env>"}` to
 * evaluate only the step into it), and a review of a promotion PR (an approval gate). The resync
 * evaluates every repository too.
 */
import type { Context } from 'probot';
import type { AppDeps, AppLog } from '../app-deps.ts';
import { parseCheckRunName } from '../core/reconcile/check-run-name.ts';
import { configuredTargets, type RepositoryLike } from './fan-out.ts';
import type { InstallationCache } from './installation-cache.ts';

/** The dispatch event type that asks for a promotion check. */
export const PROMOTE_DISPATCH_TYPE = 'courier-promote';

type Deps = Pick<AppDeps, 'validateConfig' | 'promote'>;

/** Evaluates the repository of a webhook; `why` goes to the log. */
async function evaluate(
  context: { octokit: Context['octokit']; log: AppLog; payload: { repository: RepositoryLike; installation?: { id: number } } },
  deps: Deps,
  why: string,
  cache?: InstallationCache,
  only?: { to?: string },
): Promise<void> {
  if (!deps.promote || !context.payload.installation) return;
  const [target] = await configuredTargets(context.octokit, context.payload.installation.id, [context.payload.repository], deps, context.log, cache);
  if (!target) return;
  context.log.info(`${target.owner}/${target.repo}: promotions re-evaluated (${why})`);
  // Not awaited: Probot answers the webhook when handlers return, and an evaluation (a fetch, a few
  // API calls, maybe a write) must not hold the delivery. Evaluations of one repository coalesce.
  deps.promote(target, only).catch((error: unknown) => context.log.error({ err: error }, `${target.owner}/${target.repo}: promotion evaluation failed; the next trigger or resync retries it`));
}

/** `push`: only the default branch changes what environments run. */
export async function promoteOnPush(context: Context<'push'>, deps: Deps, cache?: InstallationCache): Promise<void> {
  const { payload } = context;
  if (payload.deleted || payload.ref !== `refs/heads/${payload.repository.default_branch}`) return;
  await evaluate(context as never, deps, `push ${payload.after.slice(0, 7)}`, cache);
}

/** `check_run.completed` of a cluster run (`courier/<env>/<cluster>`; not Courier's own gates `courier/gate/…`, `courier/rollout/…`, nor `courier/config`…). */
export async function promoteOnCheckRun(context: Context<'check_run.completed'>, deps: Deps, cache?: InstallationCache): Promise<void> {
  const name = context.payload.check_run.name;
  const parsed = parseCheckRunName(name);
  if (!parsed || parsed.environment === 'gate' || parsed.environment === 'rollout') return;
  await evaluate(context as never, deps, `${name} ${context.payload.check_run.conclusion ?? 'completed'}`, cache);
}

/** `repository_dispatch` of type `courier-promote`; other types are other handlers' business. */
export async function promoteOnDispatch(context: Context<'repository_dispatch'>, deps: Deps, cache?: InstallationCache): Promise<void> {
  const { payload } = context;
  if (payload.action !== PROMOTE_DISPATCH_TYPE) return;
  const environment = (payload.client_payload as { environment?: unknown } | null)?.environment;
  if (environment !== undefined && typeof environment !== 'string') {
    context.log.warn(`${PROMOTE_DISPATCH_TYPE} dispatch: client_payload.environment must be a string naming an environment; ignored`);
    return;
  }
  await evaluate(context as never, deps, `${PROMOTE_DISPATCH_TYPE} dispatch`, cache, environment ? { to: environment } : undefined);
}

/** `pull_request_review.submitted|dismissed` on a promotion PR: an approval may open its gate. */
export async function promoteOnReview(context: Context<'pull_request_review'>, deps: Deps, cache?: InstallationCache): Promise<void> {
  const pr = context.payload.pull_request;
  if (!pr.head.ref.startsWith('courier/promote/')) return;
  await evaluate(context as never, deps, `review ${context.payload.review.state} on #${pr.number}`, cache);
}
