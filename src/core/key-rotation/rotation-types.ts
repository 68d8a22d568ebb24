/** Data in and out of rotation planning: pure, so the App's jobs layer and the CLI share it. */
import type { AgeIdentity, IdentityGenerator, SopsInputFile } from '../sops/index.ts';
import type { RandomBytes } from '../sops/value-cipher.ts';

/** A Flux key Secret: a glob of SOPS-encrypted Secret manifests and the data key holding the identity. */
export interface KeySecretConfig {
  path: string;
  /** Key under `stringData` (or base64 under `data`); Flux reads every `*.agekey` entry. */
  key: string;
}

export interface RotationInput {
  /** Every file of the repository at the base commit (text). */
  files: readonly SopsInputFile[];
  /** Courier's identities (SOPS_AGE_KEY / SOPS_AGE_KEY_FILE). */
  identities: readonly AgeIdentity[];
  keySecrets: readonly KeySecretConfig[];
  now: Date;
  /** Fresh identities (start only); X25519 by default. */
  generate?: IdentityGenerator;
  random?: RandomBytes;
}

/** A whole-file edit, as the one write path takes it. */
export interface FileEdit {
  path: string;
  before: string;
  after: string;
}

/** One line of the record PR bodies and commit messages are rendered from. Never holds a secret. */
export interface RotationChange {
  file: string;
  action: 'updatekeys' | 'rotate' | 'key-secret' | 'sops-config' | 'remove-recipients' | 'skipped';
  added: string[];
  removed: string[];
  note?: string;
}

/** Why the rotation stops; repo-relative file (or the glob) and line where known. Never holds a secret. */
export interface RotationProblem {
  file?: string;
  glob?: string;
  line?: number;
  message: string;
}

export interface RotationPlan {
  step: 'start' | 'finish';
  /** Empty whenever there are problems: nothing is written then. */
  edits: FileEdit[];
  changes: RotationChange[];
  problems: RotationProblem[];
  /** Old recipient → new recipient. */
  replacements: Array<{ old: string[]; new: string }>;
}
