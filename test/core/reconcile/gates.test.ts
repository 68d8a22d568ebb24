import { describe, expect, it } from 'vitest';
import { environmentApplied, type GateCheckRun } from '../../../src/core/reconcile/gates.ts';

const C = 'c'.repeat(40);
const D = 'd'.repeat(40); // descendant of C
const X = 'e'.repeat(40); // unrelated
const now = new Date('2026-01-01T12:00:00Z');
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
const run = (cluster: string, headSha: string, over: Partial<GateCheckRun> = {}): GateCheckRun => ({
  name: `courier/dev/${cluster}`,
  headSha,
  status: 'completed',
  conclusion: 'success',
  completedAt: ago(30),
  ...over,
});

describe('environmentApplied', () => {
  const cases: Array<[string, GateCheckRun[], number, boolean, string[], RegExp[]]> = [
    ['all clusters succeeded on C', [run('a', C), run('b', C)], 10 * 60_000, true, [], []],
    ['a descendant counts', [run('a', D), run('b', C)], 10 * 60_000, true, [], []],
    ['an unrelated commit does not', [run('a', X), run('b', C)], 0, false, ['a'], [/a: no check run/]],
    ['missing cluster', [run('a', C)], 0, false, ['b'], [/courier\/dev\/b: no check run/]],
    ['soak not over', [run('a', C), run('b', C, { completedAt: ago(5) })], 10 * 60_000, false, ['b'], [/soaking until 2026-01-01T12:05:00.000Z/]],
    ['failure', [run('a', C), run('b', C, { conclusion: 'failure' })], 0, false, ['b'], [/failure on ccccccc/]],
    ['in progress', [run('a', C), run('b', D, { status: 'in_progress', conclusion: null, completedAt: null })], 0, false, ['b'], [/in_progress on ddddddd/]],
    ['failure on C but success on descendant', [run('a', C, { conclusion: 'failure' }), run('a', D), run('b', C)], 0, true, [], []],
    ['other environment name ignored', [run('a', C, { name: 'courier/prod/a' }), run('b', C)], 0, false, ['a'], [/no check run/]],
  ];
  it.each(cases)('%s', async (_title, checkRuns, soakMs, ok, waitingFor, reasons) => {
    const result = await environmentApplied({
      environment: 'dev',
      clusters: ['a', 'b'],
      commit: C,
      checkRuns,
      isAncestor: (a, b) => a === C && (b === C || b === D),
      now,
      soakMs,
    });
    expect(result.ok).toBe(ok);
    expect(result.waitingFor).toEqual(waitingFor);
    expect(result.reasons).toHaveLength(reasons.length);
    reasons.forEach((r, i) => expect(result.reasons[i]).toMatch(r));
  });

  it('asks git once per distinct sha', async () => {
    const asked: string[] = [];
    await environmentApplied({
      environment: 'dev',
      clusters: ['a', 'b'],
      commit: C,
      checkRuns: [run('a', D), run('b', D)],
      isAncestor: async (_a, b) => {
        asked.push(b);
        return true;
      },
      now,
      soakMs: 0,
    });
    expect(asked).toEqual([D]);
  });
});
