/**
 * Labels, reviewers and auto-merge of a Courier PR. Each is an optional field of a mutation document:
 * when GitHub refuses one (auto-merge not allowed on the repository, a reviewer without access), the
 * PR still stands and the refusal comes back as a warning.
 */
import type { Proposal } from '../core/proposal/proposal.ts';
import { Conflict } from './errors.ts';
import type { GitHubClient } from './github-client.ts';
import type { MutationField } from './mutation-document.ts';
import type { PublishPlan } from './publish-plan.ts';
import type { PublishState } from './publish-state.ts';
import type { RepoRef } from './repo-ref.ts';

/** Colour of labels Courier creates (GitHub's neutral grey). */
const LABEL_COLOR = 'ededed';

/**
 * Node ids of `names`, creating the labels the read found missing (one REST call each; a label
 * created concurrently by another replica is fetched instead).
 */
export async function ensureLabelIds(
  gh: GitHubClient,
  repo: RepoRef,
  names: string[],
  known: Record<string, string | null>,
): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names) {
    const id = known[name];
    if (id) {
      ids.push(id);
      continue;
    }
    try {
      const res = await gh.request<{ node_id: string }>('POST /repos/{owner}/{repo}/labels', { ...repo, name, color: LABEL_COLOR });
      ids.push(res.data.node_id);
    } catch (error) {
      if (!(error instanceof Conflict)) throw error;
      const res = await gh.request<{ node_id: string }>('GET /repos/{owner}/{repo}/labels/{name}', { ...repo, name });
      ids.push(res.data.node_id);
    }
  }
  return ids;
}

/** The optional label / review / auto-merge fields for a PR; reviews only on a PR just created. */
export function prExtrasFields(
  pullRequestId: string,
  proposal: Proposal,
  state: PublishState,
  plan: PublishPlan,
  labelIds: string[],
  includeReviews: boolean,
): MutationField[] {
  const fields: MutationField[] = [];
  if (labelIds.length > 0) {
    fields.push({
      alias: 'labels',
      mutation: 'addLabelsToLabelable',
      inputType: 'AddLabelsToLabelableInput',
      input: { labelableId: pullRequestId, labelIds },
      selection: 'clientMutationId',
      optional: true,
    });
  }
  const userIds = Object.values(state.userIds).filter((x): x is string => x !== null);
  const teamIds = Object.values(state.teamIds).filter((x): x is string => x !== null);
  if (includeReviews && userIds.length + teamIds.length > 0) {
    fields.push({
      alias: 'reviews',
      mutation: 'requestReviews',
      inputType: 'RequestReviewsInput',
      input: { pullRequestId, userIds, teamIds, union: true },
      selection: 'clientMutationId',
      optional: true,
    });
  }
  if (plan.enableAutoMerge && proposal.autoMerge) {
    fields.push({
      alias: 'autoMerge',
      mutation: 'enablePullRequestAutoMerge',
      inputType: 'EnablePullRequestAutoMergeInput',
      // Without mergeMethod GitHub uses MERGE, which a squash- or rebase-only repository refuses.
      input: { pullRequestId, mergeMethod: state.mergeMethod },
      selection: 'clientMutationId',
      optional: true,
    });
  }
  return fields;
}
