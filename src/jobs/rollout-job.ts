/**
 * The rollout job: one step of a staged rollout through the one write path, on
 * `courier/rollout/<app>/<step>[-<cluster>]`. The walk is read again from the files the runner checked
 * out (never from the request), so a step merged meanwhile makes the plan empty and the write path
 * closes its PR. When the step happens is decided by `rollout-pipeline.ts`.
 */
import { rolloutTemplatesFor } from '../builtin-templates.ts';
import { buildRepoModel } from '../core/repo-model/build-repo-model.ts';
import { buildRolloutProposal, planAbort, planClusterRollback, planNextStep, readWalk, type RolloutStepKind } from '../core/rollout/index.ts';
import { ownBranchRule } from '../core/proposal/supersede-rule.ts';
import type { Job } from './job.ts';

/** What a rollout job is asked to do. */
export interface RolloutRequest {
  kind: 'rollout';
  step: Exclude<RolloutStepKind, 'stage'>;
  /** The folder every cluster moves to. */
  target: string;
  /** The cluster a switch or rollback moves. */
  cluster?: string;
  /** Why (an abort, a rollback), one line. */
  reason?: string;
}

/** Builds the rollout job. */
export function createRolloutJob(): Job<RolloutRequest> {
  return {
    kind: 'rollout',
    // Every text file: the deletion of the old folder (and an abort's of the copy) removes all of them.
    reads: () => true,
    header: () => undefined,
    plan({ files, config }, request) {
      const model = buildRepoModel(files);
      const walk = readWalk(model, config, request.target);
      const templates = rolloutTemplatesFor(files, config.pullRequests.templates);
      const build = (step: RolloutStepKind, edits: Parameters<typeof buildRolloutProposal>[0]['edits'], changes: Parameters<typeof buildRolloutProposal>[0]['changes'], cluster?: string, environment?: string) =>
        buildRolloutProposal({ config, walk, step, edits, changes, ...(cluster ? { cluster } : {}), ...(environment ? { environment } : {}), ...(request.reason ? { reason: request.reason } : {}) }, templates);
      const environmentOf = (cluster: string | undefined) => walk.clusters.find((c) => c.cluster === cluster)?.environment;
      switch (request.step) {
        case 'switch': {
          const next = planNextStep(walk, model, files);
          const mine = next.kind === 'switch' && next.cluster.cluster === request.cluster;
          return build('switch', mine ? next.edits : [], mine ? next.changes : [], request.cluster, environmentOf(request.cluster));
        }
        case 'finish': {
          const next = planNextStep(walk, model, files);
          return next.kind === 'finish' ? build('finish', next.edits, next.changes) : build('finish', [], []);
        }
        case 'abort': {
          if (walk.sources.length === 0) return build('abort', [], []);
          const plan = planAbort(walk, model, files);
          return build('abort', plan.edits, plan.changes);
        }
        case 'rollback': {
          const entry = walk.clusters.find((c) => c.cluster === request.cluster);
          if (!entry || !entry.kustomizations.some((k) => k.folder === walk.target)) return build('rollback', [], [], request.cluster, environmentOf(request.cluster));
          const plan = planClusterRollback(walk, files, request.cluster!);
          return build('rollback', plan.edits, plan.changes, request.cluster, entry.environment);
        }
      }
    },
    rule: ownBranchRule,
    describe: (request) => `${request.step}${request.cluster ? ` ${request.cluster}` : ''} → ${request.target}`,
  };
}
