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

/** What an image job is asked to do. */
export interface ImageRequest {
  kind: 'image';
  releases: Release[];
  /**
   * Group commit (release-batcher.ts): the releases of the group's first write, whose PR this write
   * keeps — its branch is named after them, not after every image the group has gathered since.
   */
  keepBranchOf?: Release[];
}

/** Builds the image job; `describeRelease` completes a release (digest, source labels) before planning. */
export function createImageJob(deps: { describeRelease?: (release: Release) => Promise<Release> } = {}): Job<ImageRequest> {
  const describe = deps.describeRelease;
  return {
    kind: 'image',
    ...(describe ? { prepare: async (request: ImageRequest) => ({ ...request, releases: await Promise.all(request.releases.map(describe)) }) } : {}),
    reads: (path) => isPlanInput(path) || path.endsWith('.hbs'),
    // The planner changes the first environment; the header is built by the same code as the proposal.
    header: (config, request) => imageProposalHeader(config, request.keepBranchOf ?? request.releases, config.environments[0]!.name),
    plan({ files, config }, request) {
      const plan = planImageUpdate({ files: files.filter((f) => isPlanInput(f.path)), config, releases: request.releases });
      const templates = imageTemplatesFor(files, config.pullRequests.templates);
      return buildImageProposal({ plan, config, templates, ...(request.keepBranchOf ? { keepBranchOf: request.keepBranchOf } : {}) });
    },
    withOpenProposals: (request, open, config) => {
      const releases = releasesOfOpenPullRequests(request.releases, open, config.environments[0]!.name);
      if (releases.length === 0) return request;
      // Widened by an open PR: the branch follows the widened images (that PR's), not the group's first write.
      const { keepBranchOf: _group, ...rest } = request;
      return { ...rest, releases: [...releases, ...request.releases] };
    },
    rule: imageSupersedeRule,
    describe: (request) => request.releases.map((r) => `${r.repository}:${r.tag}`).join(', '),
  };
}
