import { afterAll, describe, expect, it } from 'vitest';
import { validateCourierConfig } from '../../src/core/config/index.ts';
import { createImageJob } from '../../src/jobs/image-job.ts';
import { createPlanWorker, WorkerPlanError } from '../../src/jobs/plan-worker.ts';
import { createExampleRepo } from '../../src/local/demo.ts';
import { loadLocalRepo } from '../../src/local/load-local-repo.ts';

const worker = createPlanWorker();
afterAll(() => worker.close());

describe('planning in a worker thread', () => {
  it('returns exactly the proposal the image job plans in-thread', async () => {
    const dir = await createExampleRepo();
    const repo = await loadLocalRepo(dir);
    const validated = validateCourierConfig(repo.config);
    if (!validated.ok) throw new Error('example config invalid');
    const input = { files: repo.files, config: validated.config, sha: 'x' };
    const request = { kind: 'image' as const, releases: [{ repository: 'ghcr.io/stefanprodan/podinfo', tag: '6.6.0' }] };
    const inThread = await createImageJob().plan(input, request);
    expect(inThread.commits.length).toBe(1);
    expect(await worker.plan('image', input, request)).toEqual(inThread);
  });

  it('brings a planner error back with its name and message', async () => {
    const input = { files: [], config: { environments: [] } as never, sha: 'x' };
    const error = await worker.plan('image', input, { kind: 'image', releases: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerPlanError);
    expect((error as Error).message.length).toBeGreaterThan(0);
  });

  it('refuses a job kind that has no planner', async () => {
    await expect(worker.plan('rollout', { files: [], config: {} as never, sha: 'x' }, {})).rejects.toThrow('no planner for rollout jobs');
  });
});
