/** The plan step of every job by kind, as plain functions a worker thread can run (no injected deps). */
import type { Proposal, ProposalKind } from '../core/proposal/proposal.ts';
import { createImageJob } from './image-job.ts';
import type { JobInput } from './job.ts';
import type { PackedFiles } from './packed-files.ts';

/**
 * A plan request as it crosses to the worker. The files of a commit cross once: later requests for the
 * same commit (`input.sha`) send `files: undefined` and the worker uses the copy it kept.
 */
export interface PlanMessage {
  id: number;
  kind: ProposalKind;
  input: Omit<JobInput, 'files'> & { files: PackedFiles | undefined };
  request: unknown;
}

/** How many commits' files the worker keeps (a burst plans on one base; a merge moves it on). */
export const KEPT_COMMITS = 2;

type Planner = (input: JobInput, request: unknown) => Proposal | Promise<Proposal>;

const image = createImageJob();
const PLANNERS: Partial<Record<ProposalKind, Planner>> = {
  image: (input, request) => image.plan(input, request as Parameters<typeof image.plan>[1]),
};

/**
 * Whether the worker can plan this kind. A job not listed in PLANNERS still runs: the runner plans it
 * on the main thread, so a new job needs only its file and its line in jobs.ts; adding it here is
 * the later optimisation for jobs whose plans are heavy.
 */
export function hasPlanner(kind: ProposalKind): boolean {
  return PLANNERS[kind] !== undefined;
}

/** The planner of a job kind; throws for a kind without one (a wiring mistake). */
export function plannerFor(kind: ProposalKind): Planner {
  const planner = PLANNERS[kind];
  if (!planner) throw new Error(`no planner for ${kind} jobs`);
  return planner;
}
