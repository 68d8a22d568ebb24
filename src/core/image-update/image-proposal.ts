/**
 * Dresses an image-update plan as a Proposal: branch, texts rendered from the change records,
 * labels, reviewers and auto-merge from the config. Shared by the App and the local CLI mode.
 */
import { proposalHeader } from '../proposal/proposal-header.ts';
import type { CourierConfig } from '../config/index.ts';
import { formatBranch } from '../proposal/names.ts';
import type { ImageUpdatePlan } from './plan-image-update.ts';
import { buildImageProposalView, renderImageProposal, type ImageTemplates } from './image-proposal-view.ts';
import { COURIER_LABEL, type Proposal } from '../proposal/proposal.ts';
import type { ImageChange } from './image-change.ts';
import type { Release } from './release.ts';


/** Input of buildImageProposal. */
export interface ImageProposalRequest {
  /** The plan, with the releases it planned (the newest of each image). */
  plan: ImageUpdatePlan;
  config: CourierConfig;
  templates: ImageTemplates;
  /** Name the branch after these releases instead (a group commit's later write keeps its first write's PR). */
  keepBranchOf?: readonly Release[];
}

/** The branch subject: the image for one release, the sorted set of images for a group. */
export function imageSubject(releases: readonly Release[]): string {
  const repositories = [...new Set(releases.map((r) => r.repository))].sort();
  return repositories.length === 1 ? repositories[0]! : `images-${repositories.map((r) => r.split('/').at(-1)).join('-')}`;
}

/**
 * Everything of an image proposal that is known before planning: kind, environment, subject, branch,
 * labels, reviewers, auto-merge and the metadata header. The planned proposal is built on it, and the
 * App reads the write path's state for it while planning, so the two cannot drift.
 */
export function imageProposalHeader(config: CourierConfig, releases: readonly Release[], environmentName: string): Proposal {
  return proposalHeader(config, 'image', environmentName, imageSubject(releases));
}

/** Builds the proposal for a planned image update (its commits are empty when nothing changes). */
export function buildImageProposal(req: ImageProposalRequest): Proposal<ImageChange> {
  const { plan, config } = req;
  const releases = plan.releases;
  // The branch is named after the images this proposal moves, not after every image of the batch: a
  // resync that polled twenty images but moves one lands on that one image's branch.
  const moving = releases.filter((r) => plan.changeSet.changes.some((c) => c.image === r.repository));
  const header = imageProposalHeader(config, req.keepBranchOf ?? (moving.length > 0 ? moving : releases), plan.environment);
  const environment = config.environments.find((e) => e.name === plan.environment)!;
  const clusterOf = (file: string): string | undefined => environment.clusters.find((c) => file.split('/').includes(c));
  const view = buildImageProposalView({
    environment: plan.environment,
    subject: header.subject,
    releases,
    changes: plan.changeSet.changes,
    warnings: plan.changeSet.warnings,
    clusterOf,
  });
  const text = renderImageProposal(view, req.templates);
  const edits = plan.changeSet.edits.map((e) => ({ path: e.path, before: e.before, after: e.after }));
  return {
    ...header,
    title: text.title,
    body: text.body,
    commits: edits.length > 0 ? [{ message: text.commitMessage, edits }] : [],
    changeSet: plan.changeSet,
    metadata: view.metadata,
  };
}
