/**
 * The key-rotation job: one step of a SOPS age key rotation through the one write path, on
 * `courier/rotate-keys/all/<start|finish>`. Planning is the pure engine (`src/core/key-rotation/`);
 * its problems (a MAC that does not verify, a file Courier holds no key for, a glob matching nothing)
 * stop the job before anything is written and are shown as the job's failing check run.
 * When a step happens is decided by `rotation-pipeline.ts`.
 */
import type { AgeIdentity } from '../core/sops/index.ts';
import { buildRotationProposal, planRotationFinish, planRotationStart } from '../core/key-rotation/index.ts';
import { ownBranchRule } from '../core/proposal/supersede-rule.ts';
import type { Job } from './job.ts';

/** What a rotation job is asked to do. */
export interface RotationRequest {
  kind: 'rotation';
  step: 'start' | 'finish';
  /** Courier's identities (never logged, never written). */
  identities: readonly AgeIdentity[];
  /** Step 1's pull request, linked from step 2. */
  startPullRequest?: number;
  now: Date;
}

/** A rotation that cannot be planned, with every problem (file, line, what to do); nothing was written. */
export class RotationStopped extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RotationStopped';
  }
}

/** Builds the rotation job. */
export function createRotationJob(): Job<RotationRequest> {
  return {
    kind: 'rotation',
    // Every text file: any of them may be SOPS-encrypted (Flux finds SOPS files by their bytes).
    reads: () => true,
    header: () => undefined,
    async plan({ files, config }, request) {
      const input = { files, identities: request.identities, keySecrets: config.sops.keySecrets, now: request.now };
      const plan = request.step === 'start' ? await planRotationStart(input) : await planRotationFinish(input);
      if (plan.problems.length > 0) {
        const where = (p: (typeof plan.problems)[number]) => (p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : p.glob ? `sops.keySecrets "${p.glob}": ` : '');
        throw new RotationStopped(`key rotation stopped, nothing was written: ${plan.problems.map((p) => `${where(p)}${p.message}`).join('; ')}`);
      }
      return buildRotationProposal(plan, config, request.startPullRequest ? { startPullRequest: request.startPullRequest } : {});
    },
    rule: ownBranchRule,
    describe: (request) => `rotate-keys ${request.step}`,
  };
}
