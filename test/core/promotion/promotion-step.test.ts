import { describe, expect, it } from 'vitest';
import { parseCourierConfig, type CourierConfig } from '../../../src/core/config/index.ts';
import { EMPTY_FLEET_STATE, type FleetState } from '../../../src/core/fleet-state/fleet-state.ts';
import { decidePromotionStep, gateSummary, type StepCheckRun } from '../../../src/core/promotion/promotion-step.ts';

function config(devGates: string, prodExtra = ''): CourierConfig {
  const text = `environments:\n  - name: dev\n    clusters: [dev-a, dev-b]\n    paths: ["dev/**"]\n${devGates}  - name: prod\n    clusters: [prod-a]\n    paths: ["prod/**"]\n${prodExtra}`;
  const parsed = parseCourierConfig(text, '.github/courier.yml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.config;
}
const NOW = new Date('2026-12-02T10:00:00Z'); // a Wednesday
const ago = (minutes: number): string => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const ok = (cluster: string, minutesAgo = 5): StepCheckRun => ({ name: `courier/dev/${cluster}`, status: 'completed', conclusion: 'success', startedAt: ago(minutesAgo + 1), completedAt: ago(minutesAgo) });
const failed = (cluster: string, minutesAgo = 5): StepCheckRun => ({ ...ok(cluster, minutesAgo), conclusion: 'failure' });
const reconciling = (cluster: string, minutesAgo: number): StepCheckRun => ({ name: `courier/dev/${cluster}`, status: 'in_progress', conclusion: null, startedAt: ago(minutesAgo), completedAt: null });

function decide(cfg: CourierConfig, runs: StepCheckRun[], opts: { state?: FleetState; approvals?: string[]; subjects?: string[] } = {}) {
  return decidePromotionStep({ from: cfg.environments[0]!, to: cfg.environments[1]!, runs, state: opts.state ?? EMPTY_FLEET_STATE, subjects: opts.subjects ?? ['ghcr.io/acme/app'], approvals: opts.approvals ?? [], now: NOW });
}
const gate = (d: ReturnType<typeof decide>, name: string) => d.verdict.gates.find((g) => g.gate === name);

describe('decidePromotionStep', () => {
  it('is ready and open when every cluster of dev reported the change healthy', () => {
    const d = decide(config(''), [ok('dev-a'), ok('dev-b')]);
    expect(d).toMatchObject({ ready: true, failed: [], verdict: { open: true } });
  });

  it('waits while one cluster has not reported, naming it', () => {
    const d = decide(config(''), [ok('dev-a')]);
    expect(d.ready).toBe(false);
    expect(gate(d, 'health')).toMatchObject({ state: 'waiting', detail: expect.stringContaining('dev-b') });
  });

  it('one failing cluster blocks and is named as failed', () => {
    const d = decide(config(''), [ok('dev-a'), failed('dev-b')]);
    expect(d).toMatchObject({ ready: false, failed: ['dev-b'], verdict: { open: false } });
    expect(gate(d, 'health')!.state).toBe('blocked');
  });

  it('holds a ready step until the soak has elapsed, and says until when', () => {
    const d = decide(config('    gates:\n      soak: 30m\n'), [ok('dev-a', 10), ok('dev-b', 20)]);
    expect(d.ready).toBe(true);
    expect(d.verdict.open).toBe(false);
    expect(gate(d, 'soak')).toMatchObject({ state: 'waiting', until: new Date(NOW.getTime() + 20 * 60_000) });
    expect(d.verdict.recheckAt).toEqual(new Date(NOW.getTime() + 20 * 60_000));
  });

  it('restarts the soak when a cluster went not-ready in between', () => {
    // dev-a: healthy 60 min ago, reconciling 40 min ago, healthy again 10 min ago → soaked 10 of 30 min.
    const d = decide(config('    gates:\n      soak: 30m\n'), [ok('dev-a', 60), reconciling('dev-a', 40), ok('dev-a', 10), ok('dev-b', 60)]);
    expect(gate(d, 'soak')).toMatchObject({ state: 'waiting', until: new Date(NOW.getTime() + 20 * 60_000) });
  });

  it('keeps the window of the target environment closed outside its hours', () => {
    const d = decide(config('', '    windows:\n      - days: [mon, tue, wed, thu]\n        start: "14:00"\n        end: "16:00"\n        timeZone: UTC\n'), [ok('dev-a'), ok('dev-b')]);
    expect(gate(d, 'window')).toMatchObject({ state: 'waiting', until: new Date('2026-12-02T14:00:00Z') });
    expect(d.verdict.open).toBe(false);
  });

  it('waits for an approval when dev requires one, then opens', () => {
    const cfg = config('    gates:\n      approval: true\n');
    expect(gate(decide(cfg, [ok('dev-a'), ok('dev-b')]), 'approval')!.state).toBe('waiting');
    expect(decide(cfg, [ok('dev-a'), ok('dev-b')], { approvals: ['octocat'] }).verdict.open).toBe(true);
  });

  it('honours holds on the target environment or on a moving image, and freezes', () => {
    const held = { ...EMPTY_FLEET_STATE, holds: [{ subject: 'ghcr.io/acme/app', by: 'octocat', at: ago(1) }] };
    expect(gate(decide(config(''), [ok('dev-a'), ok('dev-b')], { state: held }), 'hold')).toMatchObject({ state: 'waiting', detail: expect.stringContaining('/courier release ghcr.io/acme/app') });
    const other = { ...EMPTY_FLEET_STATE, holds: [{ subject: 'staging', by: 'octocat', at: ago(1) }] };
    expect(decide(config(''), [ok('dev-a'), ok('dev-b')], { state: other }).verdict.open).toBe(true);
    const frozen = { ...EMPTY_FLEET_STATE, freezes: [{ environment: 'dev', reason: 'dev-b failed on 1.2.0', at: ago(1) }] };
    expect(decide(config(''), [ok('dev-a'), ok('dev-b')], { state: frozen })).toMatchObject({ ready: false, frozen: 'dev-b failed on 1.2.0' });
  });

  it('ignores a superseded (neutral) run and runs of other environments', () => {
    const neutral: StepCheckRun = { ...ok('dev-b'), conclusion: 'neutral' };
    const d = decide(config(''), [ok('dev-a'), neutral, { ...ok('prod-a'), name: 'courier/prod/prod-a' }]);
    expect(gate(d, 'health')!.state).toBe('waiting');
  });

  it('summarises the gates for the courier/gate/<env> check run', () => {
    const d = decide(config('    gates:\n      soak: 30m\n'), [ok('dev-a', 10), ok('dev-b', 20)]);
    const text = gateSummary('prod', d.verdict);
    expect(text.title).toBe('Waiting for soak');
    expect(text.summary).toContain('| ⏳ soak | waiting |');
    expect(text.summary).toContain(`evaluates again at ${new Date(NOW.getTime() + 20 * 60_000).toISOString()}`);
  });
});
