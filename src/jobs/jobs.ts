/**
 * Every job the App runs, by kind: adding a job is one file in this folder, one line in `JobRequest`
 * and one `case` below (plus its resync contribution in `createResync`, when it has one).
 */
import type { JobTarget } from '../app-deps.ts';
import type { Release } from '../core/image-update/release.ts';
import { createImageJob, type ImageRequest } from './image-job.ts';
import { createImageResync } from './image-resync.ts';
import type { JobOutcome } from './job-outcome.ts';
import { runJob, type JobRunnerDeps } from './job-runner.ts';

/** A request for any job, tagged with its kind. */
export type JobRequest = ImageRequest;

/** What the jobs need besides the runner's deps. */
export interface JobsDeps extends JobRunnerDeps {
  /** Completes a release (digest, source labels) before planning. */
  describeRelease?: (release: Release) => Promise<Release>;
  /** Registry tags of an image, for the image job's resync. */
  listTags(repository: string): Promise<string[]>;
}

/** `AppDeps.runJob` and `AppDeps.resync` over every job kind. */
export function createJobs(deps: JobsDeps): {
  runJob: (target: JobTarget, request: JobRequest) => Promise<JobOutcome[]>;
  resync: (target: JobTarget) => Promise<JobOutcome[]>;
} {
  const image = createImageJob(deps.describeRelease ? { describeRelease: deps.describeRelease } : {});
  const runJobFor = (target: JobTarget, request: JobRequest): Promise<JobOutcome[]> => {
    switch (request.kind) {
      case 'image':
        return runJob(image, target, request, deps);
    }
  };
  const resyncs = [createImageResync({ listTags: deps.listTags, runJob: runJobFor, log: deps.log, now: deps.now })];
  return {
    runJob: runJobFor,
    async resync(target) {
      const outcomes: JobOutcome[] = [];
      for (const resync of resyncs) outcomes.push(...(await resync(target)));
      return outcomes;
    },
  };
}
