import { describe, expect, it } from 'vitest';
import { evaluateGates, type ClusterReport, type GateInput } from '../../../src/core/promotion/index.ts';

const HOUR = 3_600_000;
const at = (iso: string): Date => new Date(iso);
const ok = (cluster: string, iso: string): ClusterReport => ({ cluster, state: 'success', at: at(iso) });

function input(over: Partial<GateInput> = {}): GateInput {
  return {
    clusters: ['cloud-dev', 'munich-dev'],
    reports: [ok('cloud-dev', '2026-03-02T08:00:00Z'), ok('munich-dev', '2026-03-02T08:05:00Z')],
    soakMs: 0,
    windows: [],
    requireApproval: false,
    approvals: [],
    holds: [],
    now: at('2026-03-02T10:00:00Z'), // a Monday
    ...over,
  };
}
const gate = (v: ReturnType<typeof evaluateGates>, name: string) => v.gates.find((g) => g.gate === name)!;

describe('evaluateGates', () => {
  it('opens when every cluster reported success and nothing else is configured', () => {
    const v = evaluateGates(input());
    expect(v.open).toBe(true);
    expect(v.gates.every((g) => g.state === 'open')).toBe(true);
  });

  it('one failing cluster blocks the step', () => {
    const v = evaluateGates(input({ reports: [ok('cloud-dev', '2026-03-02T08:00:00Z'), { cluster: 'munich-dev', state: 'failure', at: at('2026-03-02T08:05:00Z') }] }));
    expect(v.open).toBe(false);
    expect(gate(v, 'health')).toMatchObject({ state: 'blocked', detail: expect.stringContaining('munich-dev failed') });
  });

  it('a cluster without a report keeps the step waiting, naming it', () => {
    const v = evaluateGates(input({ reports: [ok('cloud-dev', '2026-03-02T08:00:00Z')] }));
    expect(v.open).toBe(false);
    expect(gate(v, 'health')).toMatchObject({ state: 'waiting', detail: 'waits for a healthy report from munich-dev' });
  });

  it('soak not yet elapsed: waits until the last cluster has been healthy for the duration, and says until when', () => {
    const v = evaluateGates(input({ soakMs: 4 * HOUR }));
    expect(v.open).toBe(false);
    expect(gate(v, 'soak')).toMatchObject({ state: 'waiting', until: at('2026-03-02T12:05:00Z') });
    expect(v.recheckAt).toEqual(at('2026-03-02T12:05:00Z'));
    expect(evaluateGates(input({ soakMs: 4 * HOUR, now: at('2026-03-02T12:05:00Z') })).open).toBe(true);
  });

  it('a not-Ready report resets the soak: the clock restarts at the next healthy report', () => {
    const reports = [
      ok('cloud-dev', '2026-03-02T08:00:00Z'),
      ok('munich-dev', '2026-03-02T08:05:00Z'),
      { cluster: 'munich-dev', state: 'not-ready' as const, at: at('2026-03-02T09:00:00Z') },
      ok('munich-dev', '2026-03-02T09:30:00Z'),
    ];
    const v = evaluateGates(input({ reports, soakMs: 4 * HOUR, now: at('2026-03-02T12:10:00Z') }));
    expect(v.open).toBe(false);
    expect(gate(v, 'soak').until).toEqual(at('2026-03-02T13:30:00Z'));
  });

  it('window closed: no prod changes on Friday afternoon in Berlin; waits until Monday 09:00 local', () => {
    const windows = [{ days: ['mon', 'tue', 'wed', 'thu'] as const, start: '09:00', end: '17:00', timeZone: 'Europe/Berlin' }, { days: ['fri'] as const, start: '09:00', end: '12:00', timeZone: 'Europe/Berlin' }];
    const friday = evaluateGates(input({ windows: windows.map((w) => ({ ...w, days: [...w.days] })), now: at('2026-03-06T13:00:00Z') })); // 14:00 in Berlin
    expect(friday.open).toBe(false);
    expect(gate(friday, 'window')).toMatchObject({ state: 'waiting', until: at('2026-03-09T08:00:00Z') }); // Monday 09:00 CET
    const morning = evaluateGates(input({ windows: windows.map((w) => ({ ...w, days: [...w.days] })), now: at('2026-03-06T09:30:00Z') })); // 10:30 Friday in Berlin
    expect(gate(morning, 'window').state).toBe('open');
  });

  it('approval missing keeps the step waiting; an approval opens it', () => {
    expect(gate(evaluateGates(input({ requireApproval: true })), 'approval')).toMatchObject({ state: 'waiting' });
    expect(evaluateGates(input({ requireApproval: true, approvals: ['alice'] })).open).toBe(true);
  });

  it('a hold keeps the step waiting and says how to lift it', () => {
    const v = evaluateGates(input({ holds: [{ subject: 'prod', by: 'bob' }] }));
    expect(v.open).toBe(false);
    expect(gate(v, 'hold').detail).toBe('held by bob on prod: /courier release prod lifts it');
  });
});
