/**
 * What people decided about a repository's fleet, kept in GitHub (the dashboard issue's metadata),
 * never in memory: holds, rejected versions, frozen environments, paused or aborted rollouts. Every
 * job reads it before planning, commands change it. Pure data; the store adapter lives in
 * `src/github/` (issue 8, point 4).
 */

/** `/courier hold <subject>`: an environment name or an image repository; lifted by `/courier release`. */
export interface Hold {
  /** An environment (`prod`) or a canonical image repository (`ghcr.io/acme/app`). */
  subject: string;
  /** GitHub login that set it. */
  by: string;
  /** ISO 8601. */
  at: string;
}

/**
 * A version that failed on a cluster: never proposed again (no image update, no promotion) until
 * `/courier release <subject>:<version>` (or `/courier release <subject>`) lifts it.
 */
export interface Rejection {
  /** Canonical image repository or chart name (`ghcr.io/acme/app`, `podinfo`). */
  subject: string;
  version: string;
  environment: string;
  cluster: string;
  /** One line, no secret, e.g. the cluster's reconcile message. */
  reason: string;
  at: string;
}

/** With `rollback: auto`, an environment that failed is frozen: nothing is promoted out of it. */
export interface Freeze {
  environment: string;
  reason: string;
  at: string;
}

/**
 * A staged rollout steered by hand (`/courier rollout pause|abort <app>`) or halted by a cluster that
 * failed after its switch (`failed`, set by Courier; `/courier rollout resume <app>` lifts it).
 */
export interface RolloutControl {
  app: string;
  state: 'paused' | 'aborted' | 'failed';
  by: string;
  at: string;
  /** The cluster that failed (state `failed`). */
  cluster?: string;
  /** One line, no secret: why (the cluster's reconcile summary). */
  reason?: string;
}

/** A key rotation between its steps that a cluster failed to apply: step 2 waits (set and cleared by Courier). */
export interface RotationHalt {
  clusters: string[];
  reason: string;
  at: string;
}

export interface FleetState {
  holds: Hold[];
  rejections: Rejection[];
  freezes: Freeze[];
  rollouts: RolloutControl[];
  rotationHalt?: RotationHalt;
}

export const EMPTY_FLEET_STATE: FleetState = Object.freeze({ holds: [], rejections: [], freezes: [], rollouts: [] }) as FleetState;

/** Whether `version` of `subject` is rejected (a release of the subject without version lifts them all). */
export function isRejected(state: FleetState, subject: string, version: string): boolean {
  return state.rejections.some((r) => r.subject === subject && r.version === version);
}

/** Holds that stop a step into `environment` or a move of one of `subjects`. */
export function holdsOn(state: FleetState, environment: string, subjects: readonly string[] = []): Hold[] {
  return state.holds.filter((h) => h.subject === environment || subjects.includes(h.subject));
}

/** Reads and updates a repository's fleet state; `update` is read-modify-write, retried by the adapter on conflict. */
export interface FleetStateStore {
  read(): Promise<FleetState>;
  update(change: (state: FleetState) => FleetState): Promise<FleetState>;
}

/** A store in memory, for tests and the local CLI (where there is no dashboard issue). */
export function memoryFleetStateStore(initial: FleetState = EMPTY_FLEET_STATE): FleetStateStore {
  let state = structuredClone(initial);
  return {
    read: async () => structuredClone(state),
    update: async (change) => {
      state = structuredClone(change(structuredClone(state)));
      return structuredClone(state);
    },
  };
}
