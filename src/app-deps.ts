/**
 * What the GitHub App needs from the rest of Courier, injected so the app's wiring and handlers can be
 * built and tested before (and independently of) the engine, the write path and the route handlers.
 */
import type { ProbotOctokit } from 'probot';
import type { ConfigProblem } from './core/config/index.ts';
import type { JobOutcome } from './jobs/job-outcome.ts';
import type { JobRequest } from './jobs/jobs.ts';
import type { FleetStateStore } from './core/fleet-state/fleet-state.ts';


/** The part of a validated `.github/courier.yml` the app itself reads. */
export interface CourierConfigLike {
  environments: Array<{ name: string; clusters: string[]; paths: string[] }>;
  images?: Array<{ repository: string; source?: { repository: string } }>;
  /** `groupWindow`: seconds as a number, or a duration string such as `10s`, `500ms`, `1m`. */
  pullRequests?: { groupWindow?: number | string };
  /** `polling.interval`: the least time between two resyncs of the repository (a duration string). */
  polling?: { interval?: string };
}

/** Result of validating a config object. */
export type ConfigValidation =
  | { ok: true; config: CourierConfigLike }
  | { ok: false; problems: ConfigProblem[] };

/** A GitOps repository Courier acts on, with an authenticated installation client. */
export interface JobTarget {
  octokit: ProbotOctokit;
  installationId: number;
  owner: string;
  repo: string;
  cloneUrl: string;
  defaultBranch: string;
  config: CourierConfigLike;
}

/** A plain HTTP route mounted beside Probot's webhook route (registry notifications, reports). */
export interface HttpRoute {
  method: 'GET' | 'POST';
  /** Exact path, or with `:name` segments that land in `params`. */
  path: string;
  handle(req: {
    rawBody: Buffer;
    headers: Record<string, string | string[] | undefined>;
    params: Record<string, string>;
    query: URLSearchParams;
  }): Promise<{ status: number; body: unknown; headers?: Record<string, string> }>;
}

/**
 * The logger the App's handlers write to: messages, and fields first for errors (`{ err }`, which pino
 * serialises with Octokit's redacted request). Probot's pino logger (`context.log`, `probot.log`) is one.
 */
export interface AppLog {
  info(message: string): void;
  warn(message: string): void;
  error(fields: object, message: string): void;
}

/** The injected dependencies of the GitHub App. */
export interface AppDeps {
  /** Validates a merged config object (strict schema). */
  validateConfig(value: unknown): ConfigValidation;
  /** Runs one job (plan → one write path) for one repository; returns what happened per environment. */
  runJob(target: JobTarget, request: JobRequest): Promise<JobOutcome[]>;
  /**
   * Whether a request may concern a repository, decided cheaply for fan-out. When absent, an image
   * request concerns a repository whose config lists the image in `images`, or lists no images at all
   * (the planner then looks at the content and changes nothing if the image is not there).
   */
  wants?(target: Omit<JobTarget, 'octokit'>, request: JobRequest): boolean;
  /** Level-triggered safety net: every job's resync for one repository (periodic and on install). */
  resync(target: JobTarget): Promise<JobOutcome[]>;
  /**
   * Evaluates the repository's promotion steps (all, or only the one into `to`) and writes what they
   * call for: promotion PRs and their `courier/gate/<env>` check runs. Absent = promotions off.
   */
  promote?(target: JobTarget, only?: { to?: string }): Promise<unknown>;
  /** The repository's holds, rejections and freezes (the dashboard issue), for `/courier hold|release`. */
  fleetState?(target: JobTarget): FleetStateStore;
  /** `/courier rollback <environment>`: a PR back to its last all-green versions, and a freeze; returns the outcome or why not. */
  rollback?(target: JobTarget, environment: string, by: string): Promise<{ pullRequest?: { number: number; url: string }; action?: string } | string>;
  /** The `courier/secrets` check run on a pull request's head. */
  checkSecrets?(target: JobTarget, pr: { number: number; sha: string; ref: string }): Promise<unknown>;
  /** What each promotion step waits for now, without writing anything (`/courier plan`). */
  explain?(target: JobTarget): Promise<Array<{ from: string; to: string; skipped?: string; decision?: { ready: boolean; verdict: { open: boolean; gates: Array<{ gate: string; state: string; detail: string }> } } }>>;
  /** Staged rollouts: `/courier stage` on a PR, `/courier rollout pause|resume|abort <app>`, `/courier rollback <cluster>`. */
  rollout?: {
    stage(target: JobTarget, pull: number, app: string | undefined): Promise<string>;
    control(target: JobTarget, action: 'pause' | 'resume' | 'abort', app: string, by: string): Promise<string>;
    rollbackCluster(target: JobTarget, cluster: string, by: string): Promise<{ pullRequest?: { number: number; url: string }; action?: string } | string>;
  };
  /** SOPS key rotation: `/courier rotate-keys`, the `courier-rotate-keys` dispatch; returns what happened, one sentence. */
  rotateKeys?(target: JobTarget, by: string): Promise<string>;
  /** Extra HTTP routes (registry notifications, cluster reports). */
  httpRoutes?: HttpRoute[];
  now(): Date;
}
