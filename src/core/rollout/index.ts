export { RolloutError } from './rollout-error.ts';
export { findAppFolder, folderVersion, nextCopyFolder, versionedName, versionsOf, folderExists } from './app-folder.ts';
export { readWalk, referencesTo, clusterOf, walkOrder, findRollouts, type RolloutWalk, type WalkCluster, type AppliedBy } from './rollout-walk.ts';
export { planStage, type StageInput, type StagePlan, type TreeSide } from './plan-stage.ts';
export { planNextStep, planAbort, planClusterRollback, pathEdits, rewritePath, type RolloutStep } from './plan-rollout-step.ts';
export { buildRolloutProposal, loadRolloutTemplates, rolloutBranch, ROLLOUT_TEMPLATE_NAMES, type RolloutStepKind } from './rollout-proposal.ts';
export { walkView, walkTable, walkDiagram, type WalkView, type WalkState } from './render-walk.ts';
export { folderProblems } from './folder-problems.ts';
