/**
 * The App's image update for one repository: an isolated checkout from the clone cache, the planner
 * on its files, the proposal, then the one write path (with supersede). Wiring of pure parts.
 */
import type { UpdateOutcome, UpdateTarget } from '../app-deps.ts';
import { imageTemplatesFor } from '../builtin-templates.ts';
import { validateCourierConfig } from '../core/config/index.ts';
import type { CourierConfig } from '../core/config/index.ts';
import { buildImageProposal, imageSubject } from '../core/image-update/image-proposal.ts';
import { COURIER_LABEL } from '../core/proposal/proposal.ts';
import { formatBranch, parseMetadata } from '../core/proposal/names.ts';
import { planImageUpdate } from '../core/image-update/plan-image-update.ts';
import type { Proposal } from '../core/proposal/proposal.ts';
import type { Release } from '../core/image-update/release.ts';
import type { CloneCache } from '../git/clone-cache.ts';
import { isYamlish } from '../git/local-repo.ts';
import { fromOctokit, type OctokitLike } from '../github/github-client.ts';
import type { PublishResult } from '../github/publish-proposal.ts';
import { readEarlyState } from '../github/early-state.ts';
import { publishWithSupersede } from '../github/publish-with-supersede.ts';

/** What createImageUpdater needs. */
export interface ImageUpdaterDeps {
  cloneCache: CloneCache;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  now(): Date;
  /** Completes a release (digest, source labels) before planning; identity when absent. */
  describeRelease?: (release: Release) => Promise<Release>;
}

/** An installation token for git, from Probot's Octokit auth strategy. */
async function installationToken(octokit: UpdateTarget['octokit']): Promise<string> {
  const auth = (await octokit.auth({ type: 'installation' })) as { token: string };
  return auth.token;
}

/** Builds `AppDeps.updateImages`: releases for one repository become one PR for its first environment. */
export function createImageUpdater(deps: ImageUpdaterDeps): (target: UpdateTarget, releases: Release[]) => Promise<UpdateOutcome[]> {
  return async (target, given) => {
    const releases = deps.describeRelease ? await Promise.all(given.map(deps.describeRelease)) : given;
    const validated = validateCourierConfig(target.config);
    if (!validated.ok) throw new Error(`${target.owner}/${target.repo}: config became invalid before planning`);
    const config = validated.config;
    const handle = { owner: target.owner, repo: target.repo, cloneUrl: target.cloneUrl, token: () => installationToken(target.octokit) };
    const gh = fromOctokit(target.octokit as unknown as OctokitLike);
    const repo = { owner: target.owner, repo: target.repo };
    const early = readEarlyState(gh, repo, skeletonOf(config, releases, target.defaultBranch), { listOpen: true });
    const proposal = await deps.cloneCache.withCheckout(handle, target.defaultBranch, async (checkout) => {
      early.baseSha = checkout.sha;
      const { files } = await checkout.readFiles((path) => isYamlish(path) || path.endsWith('.hbs'));
      const plan = planImageUpdate({ files: files.filter((f) => isYamlish(f.path)), config, releases });
      const templates = imageTemplatesFor(files, config.pullRequests.templates);
      deps.log.info({ repo: `${target.owner}/${target.repo}`, sha: checkout.sha, changes: plan.changeSet.changes.length, warnings: plan.changeSet.warnings.length }, 'planned image update');
      return { ...buildImageProposal({ plan, releases, config, templates }), base: target.defaultBranch };
    });
    const result = await publishWithSupersede(gh, repo, proposal, {
      strategy: config.pullRequests.supersede,
      parseMetadata: (body) => parseMetadata(body) ?? null,
      now: () => deps.now(),
      singleRead: true,
      early,
    });
    for (const warning of result.warnings) deps.log.warn({ repo: `${target.owner}/${target.repo}`, code: warning.code }, warning.message);
    return [outcomeOf(proposal.environment, result)];
  };
}

/**
 * What the proposal will be apart from its edits and texts (the planner changes the first
 * environment; see buildImageProposal), so the write path's state can be read while planning.
 */
function skeletonOf(config: CourierConfig, releases: readonly Release[], base: string): Proposal {
  const environment = config.environments[0]!;
  const subject = imageSubject(releases);
  return {
    kind: 'image',
    environment: environment.name,
    subject,
    branch: formatBranch({ kind: 'image', environment: environment.name, subject }),
    base,
    title: '',
    body: '',
    labels: [...new Set([COURIER_LABEL, ...config.pullRequests.labels])],
    reviewers: config.pullRequests.reviewers,
    teamReviewers: config.pullRequests.teamReviewers,
    autoMerge: environment.autoMerge,
    commits: [],
    changeSet: { edits: [], changes: [], warnings: [] },
    metadata: { version: 1, kind: 'image', environment: environment.name, subject },
  };
}

/** The write path's verdict in the App's terms. */
export function outcomeOf(environment: string, result: PublishResult & { superseded: number[] }): UpdateOutcome {
  const action = ({ created: 'opened', updated: 'updated', unchanged: 'unchanged', 'nothing-to-do': 'nothing', 'dry-run': 'nothing' } as const)[result.action];
  return {
    environment,
    action,
    ...(result.number && result.url ? { pullRequest: { number: result.number, url: result.url } } : {}),
    ...(result.superseded.length > 0 ? { superseded: result.superseded.map((number) => ({ number })) } : {}),
  };
}
