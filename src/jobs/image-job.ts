/** The image job: released images → one PR for the first environment bumping every reference. */
import { imageTemplatesFor } from '../builtin-templates.ts';
import { buildImageProposal, imageProposalHeader } from '../core/image-update/image-proposal.ts';
import { imageSupersedeRule } from '../core/image-update/image-supersede-rule.ts';
import { planImageUpdate } from '../core/image-update/plan-image-update.ts';
import type { Release } from '../core/image-update/release.ts';
import { isPlanInput } from '../git/local-repo.ts';
import type { OpenProposal } from '../core/proposal/supersede-rule.ts';
import { imagesOf } from '../core/image-update/image-supersede-rule.ts';
import type { Job } from './job.ts';

/**
 * The releases Courier's open image PRs of `environment` propose, for every open PR that moves one of
 * the requested images; [] when they add nothing to the request. With them in the batch the planner's
 * newest-release rule keeps the newer of the open PR's version and the event's (a replayed or late
 * older release changes nothing), and the proposal covers the open PR's images too, so it lands on
 * that PR's branch (or replaces it) instead of opening a second PR for the same image.
 */
export function releasesOfOpenPullRequests(requested: readonly Release[], open: readonly OpenProposal[], environment: string): Release[] {
  const mine = new Set(requested.map((r) => r.repository));
  const known = new Set(requested.map((r) => `${r.repository}:${r.tag}`));
  const extra: Release[] = [];
  for (const pr of open) {
    if (pr.metadata?.kind !== 'image' || pr.metadata.environment !== environment) continue;
    const theirs = imagesOf(pr.metadata);
    if (!theirs.some((i) => mine.has(i.repository))) continue;
    for (const i of theirs) extra.push({ repository: i.repository, tag: i.tag, ...(i.digest ? { digest: i.digest } : {}), ...(i.source ? { source: i.source } : {}) });
  }
  return extra.every((r) => known.has(`${r.repository}:${r.tag}`)) ? [] : extra;
}

/** The branch of the one open image PR of `environment` that moves exactly the images of `releases`, if there is one. */
function onlyWideningBranch(releases: readonly Release[], open: readonly OpenProposal[], environment: string): string | undefined {
  const images = new Set(releases.map((r) => r.repository));
  const moving = open.filter((pr) => pr.metadata?.kind === 'image' && pr.metadata.environment === environment && imagesOf(pr.metadata).some((i) => images.has(i.repository)));
  if (moving.length !== 1) return undefined;
  const theirs = new Set(imagesOf(moving[0]!.metadata).map((i) => i.repository));
  return theirs.size === images.size && [...images].every((i) => theirs.has(i)) ? moving[0]!.branch : undefined;
}

/** The proposal (or its header) on the request's kept branch, when it has one. */
function onKeptBranch<P extends { branch: string }>(proposal: P, request: ImageRequest): P {
  return request.keepBranch ? { ...proposal, branch: request.keepBranch } : proposal;
}

/** What an image job is asked to do. */
export interface ImageRequest {
  kind: 'image';
  releases: Release[];
  /**
   * Group commit (release-batcher.ts): the releases of the group's first write, whose PR this write
   * keeps — its branch is named after them, not after every image the group has gathered since.
   */
  keepBranchOf?: Release[];
  /**
   * Widened by one open PR to exactly its images: that PR's branch, kept as it is. A group commit's PR
   * is named after its first write's images, so naming it again from all of them would open a second
   * PR (and close the first) for every later release of one of its images.
   */
  keepBranch?: string;
}

/** Builds the image job; `describeRelease` completes a release (digest, source labels) before planning. */
export function createImageJob(deps: { describeRelease?: (release: Release) => Promise<Release> } = {}): Job<ImageRequest> {
  const describe = deps.describeRelease;
  return {
    kind: 'image',
    ...(describe ? { prepare: async (request: ImageRequest) => ({ ...request, releases: await Promise.all(request.releases.map(describe)) }) } : {}),
    reads: (path) => isPlanInput(path) || path.endsWith('.hbs'),
    // The planner changes the first environment; the header is built by the same code as the proposal.
    header: (config, request) => onKeptBranch(imageProposalHeader(config, request.keepBranchOf ?? request.releases, config.environments[0]!.name), request),
    plan({ files, config }, request) {
      const plan = planImageUpdate({ files: files.filter((f) => isPlanInput(f.path)), config, releases: request.releases });
      const templates = imageTemplatesFor(files, config.pullRequests.templates);
      return onKeptBranch(buildImageProposal({ plan, config, templates, ...(request.keepBranchOf ? { keepBranchOf: request.keepBranchOf } : {}) }), request);
    },
    withOpenProposals: (request, open, config) => {
      const environment = config.environments[0]!.name;
      const releases = releasesOfOpenPullRequests(request.releases, open, environment);
      if (releases.length === 0) return request;
      // Widened by an open PR: the branch follows the widened images, not the group's first write —
      // and when one PR already moves exactly those images, it is that PR's branch.
      const { keepBranchOf: _group, keepBranch: _kept, ...rest } = request;
      const widened = [...releases, ...request.releases];
      const branch = onlyWideningBranch(widened, open, environment);
      return { ...rest, releases: widened, ...(branch ? { keepBranch: branch } : {}) };
    },
    rule: imageSupersedeRule,
    describe: (request) => request.releases.map((r) => `${r.repository}:${r.tag}`).join(', '),
  };
}
