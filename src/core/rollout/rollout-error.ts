/** A rollout Courier refuses to plan, with the reason and what to do; nothing was written. */
export class RolloutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RolloutError';
  }
}
