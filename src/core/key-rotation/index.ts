/** Pure planning of the two-step SOPS key rotation; the App's jobs layer and the CLI call it. */
export { planRotationStart } from './plan-rotation-start.ts';
export { planRotationFinish } from './plan-rotation-finish.ts';
export { renderRotation } from './render-rotation.ts';
export { NEW_KEY_MARKER } from './key-secret.ts';
export type { RotationInput, RotationPlan, RotationChange, RotationProblem, FileEdit, KeySecretConfig } from './rotation-types.ts';
export { rotationStatus, type RotationStatus } from './rotation-status.ts';
export { buildRotationProposal, rotationBranch, HISTORY_NOTE } from './rotation-proposal.ts';
