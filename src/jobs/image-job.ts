/** The image job: released images → one PR for the first environment bumping every reference. */
import { imageTemplatesFor } from '../builtin-templates.ts';
import { buildImageProposal, imageProposalHeader } from '../core/image-update/image-proposal.ts';
import { imageSupersedeRule } from '../core/image-update/image-supersede-rule.ts';
import { planImageUpdate } from '../core/image-update/plan-image-update.ts';
import type { Release } from '../core/image-update/release.ts';
import { isYamlish } from '../git/local-repo.ts';
import type { Job } from './job.ts';

/** What an image job is asked to do. */
export interface ImageRequest {
  kind: 'image';
  releases: Release[];
}

/** Builds the image job; `describeRelease` completes a release (digest, source labels) before planning. */
export function createImageJob(deps: { describeRelease?: (release: Release) => Promise<Release> } = {}): Job<ImageRequest> {
  const describe = deps.describeRelease;
  return {
    kind: 'image',
    ...(describe ? { prepare: async (request: ImageRequest) => ({ ...request, releases: await Promise.all(request.releases.map(describe)) }) } : {}),
    reads: (path) => isYamlish(path) || path.endsWith('.hbs'),
    // The planner changes the first environment; the header is built by the same code as the proposal.
    header: (config, request) => imageProposalHeader(config, request.releases, config.environments[0]!.name),
    plan({ files, config }, request) {
      const plan = planImageUpdate({ files: files.filter((f) => isYamlish(f.path)), config, releases: request.releases });
      const templates = imageTemplatesFor(files, config.pullRequests.templates);
      return buildImageProposal({ plan, config, templates });
    },
    rule: imageSupersedeRule,
    describe: (request) => request.releases.map((r) => `${r.repository}:${r.tag}`).join(', '),
  };
}
