import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../../src/core/policies/compile-policy.ts';
import { PolicyError, type ImagePolicySpec } from '../../../src/core/policies/tag-policy.ts';
import { compileTagFilter } from '../../../src/core/policies/tag-filter.ts';
import { filterExcluded, latestTags, sortTagsDescending } from '../../../src/core/policies/exclusion.ts';
import { parseFluxVersion } from '../../../src/core/policies/flux-version.ts';

interface Case {
  id: string;
  kind: 'select' | 'validatePolicy' | 'filter' | 'exclude' | 'latestTags' | 'parseVersion';
  status?: string;
  policy?: ImagePolicySpec['policy'];
  filterTags?: { pattern?: string; extract?: string };
  tags?: string[];
  exclusionList?: string[];
  version?: string;
  tagsOrderIrrelevant?: boolean;
  notes?: string[];
  upstream: { test: string };
  expected: {
    tag?: string;
    error?: boolean;
    errorContains?: string;
    reason?: string;
    valid?: boolean;
    items?: string[];
    tags?: string[];
    latestTags?: string[];
  };
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const casesPath = path.join(repoRoot, 'test/conformance/flux-policies/cases.json');
if (!existsSync(casesPath)) {
  throw new Error(`flux-policies conformance data not found at ${casesPath}`);
}
const data = JSON.parse(readFileSync(casesPath, 'utf8')) as { cases: Case[] };
// A case is inactive only when its `status` says so; those are listed as skipped by vitest.
const isActive = (c: Case) => c.status === undefined || c.status === 'active';
const active = data.cases.filter(isActive);
const inactive = data.cases.filter((c) => !isActive(c)).map((c) => [c.id, c.status] as const);
const byKind = (kind: Case['kind']) => active.filter((c) => c.kind === kind).map((c) => [c.id, c] as const);

/** Deterministic shuffles (mulberry32) so order-independence is exercised without flaky tests. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Loose error match: PolicyError, substring of the message (case-insensitive), reason when given. */
function expectPolicyError(run: () => unknown, expected: Case['expected']): void {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(PolicyError);
  const err = caught as PolicyError;
  if (expected.errorContains) expect(err.message.toLowerCase()).toContain(expected.errorContains.toLowerCase());
  if (expected.reason) expect(err.reason).toBe(expected.reason);
}

const select = (c: Case, tags: readonly string[]) =>
  compilePolicy({ policy: c.policy ?? {}, ...(c.filterTags ? { filterTags: c.filterTags } : {}) }).select(tags);

describe('flux-policies conformance', () => {
  it(`loads ${data.cases.length} cases, ${inactive.length} inactive`, () => {
    expect(data.cases.length).toBeGreaterThan(0);
    expect(active.length + inactive.length).toBe(data.cases.length);
  });

  it.skip.each(inactive)('inactive case %s (status: %s)', () => {});

  it.each(byKind('select'))('select %s', (_id, c) => {
    const orders = c.tagsOrderIrrelevant ? [1, 2, 3, 4, 5].map((seed) => shuffled(c.tags ?? [], seed)) : [c.tags ?? []];
    for (const tags of orders) {
      if (c.expected.error) expectPolicyError(() => select(c, tags), c.expected);
      else expect(select(c, tags)).toBe(c.expected.tag);
    }
  });

  it.each(byKind('validatePolicy'))('validatePolicy %s', (_id, c) => {
    const run = () => compilePolicy({ policy: c.policy ?? {} });
    if (c.expected.valid) expect(run().describe()).toBeTruthy();
    else expectPolicyError(run, { ...c.expected, reason: 'InvalidPolicy' });
  });

  it.each(byKind('filter'))('filter %s', (_id, c) => {
    const items = [...compileTagFilter(c.filterTags).apply(c.tags ?? []).keys()].sort();
    expect(items).toEqual(c.expected.items);
  });

  it.each(byKind('exclude'))('exclude %s', (_id, c) => {
    const run = () => filterExcluded(c.tags ?? [], c.exclusionList);
    if (c.expected.error) return expectPolicyError(run, c.expected);
    // The scan tests read tags back from the store, which keeps them in descending order.
    const stored = c.upstream.test === 'TestImageRepositoryReconciler_scan';
    expect(stored ? sortTagsDescending(run()) : run()).toEqual(c.expected.tags);
  });

  it.each(byKind('latestTags'))('latestTags %s', (_id, c) => {
    expect(latestTags(c.tags ?? [])).toEqual(c.expected.latestTags);
  });

  it.each(byKind('parseVersion'))('parseVersion %s', (_id, c) => {
    expect(parseFluxVersion(c.version ?? '') !== undefined).toBe(c.expected.valid);
  });
});
