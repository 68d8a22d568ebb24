import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  configReferenceDocument,
  configReferenceMarkdown,
  courierConfigJsonSchema,
  courierConfigMergeOptions,
  defaultConfig,
  parseCourierConfig,
  parseDuration,
  validateCourierConfig,
  type ConfigProblem,
} from '../../../src/core/config/index.ts';

const VALID = `# Courier config
environments:
  - name: dev
    clusters: [cloud-dev, munich-dev]
    paths: ["clusters/cloud-dev/**", "clusters/munich-dev/**", "overlays/dev/**"]
    autoMerge: true
  - name: prod
    clusters: [cloud-prod]
    paths: ["clusters/cloud-prod/**", "overlays/prod/**"]
    gates: { soak: 30m, approval: true }
images:
  - repository: ghcr.io/acme/app
    policy: { semver: { range: ">=1.0.0" } }
    source: { repository: acme/app }
    poll: true
pullRequests:
  labels: [courier]
  groupWindow: 1m
  supersede: close
polling:
  interval: 1h30m
`;

function problems(text: string): ConfigProblem[] {
  const result = parseCourierConfig(text);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('parseCourierConfig', () => {
  it('accepts the documented config and fills defaults', () => {
    const result = parseCourierConfig(VALID);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { config } = result;
    expect(config.environments.map((e) => e.name)).toEqual(['dev', 'prod']);
    expect(config.environments[0]!.autoMerge).toBe(true);
    expect(config.environments[0]!.gates).toEqual({ approval: false });
    expect(config.environments[1]!.gates).toEqual({ soak: '30m', approval: true });
    expect(config.images[0]).toMatchObject({ repository: 'ghcr.io/acme/app', poll: true, source: { repository: 'acme/app' } });
    expect(config.imagePolicies.fromRepository).toBe(true);
    expect(config.pullRequests).toEqual({ labels: ['courier'], reviewers: [], teamReviewers: [], groupWindow: '1m', supersede: 'close' });
    expect(config.polling.interval).toBe('1h30m');
  });

  it('reports a YAML syntax error with its line', () => {
    const [p, ...rest] = problems('environments:\n  - name: dev\n    paths: [a\n  bad: : x\n');
    expect(rest.length).toBeGreaterThanOrEqual(0);
    expect(p!.line).toBeGreaterThanOrEqual(3);
    expect(p!.message).toMatch(/^\.github\/courier\.yml:\d+: YAML syntax error/);
  });

  it('reports duplicate keys as a syntax error', () => {
    expect(problems('environments: []\nenvironments: []\n')[0]!.line).toBe(2);
  });

  it('reports an alias without its anchor, and an alias bomb, as problems instead of throwing', () => {
    const [unresolved] = problems('x: &ok [a]\ny: *ok\nenvironments:\n  - name: dev\n    paths: *nope\n');
    expect(unresolved).toMatchObject({ path: '', line: 5 });
    expect(unresolved!.message).toMatch(/^\.github\/courier\.yml:5: YAML error: Unresolved alias/);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) bomb.push(`a${i}: &a${i} [${Array(10).fill(i === 1 ? '*a' : `*a${i - 1}`).join(', ')}]`);
    const [exhausted] = problems(`${bomb.join('\n')}\nenvironments: [{ name: dev, paths: ["**"] }]\n`);
    expect(exhausted!.message).toMatch(/YAML error: Excessive alias count/);
  });

  it('says an empty file is empty', () => {
    expect(problems('# nothing\n')[0]!.message).toMatch(/empty/);
  });

  it('reports every schema problem with its path and line', () => {
    const text = [
      'environments:', //                          1
      '  - name: dev', //                          2
      '    paths: ["clusters/dev/**"]', //         3
      '    clusters: [c1]', //                     4
      '  - name: Prod', //                         5
      '    paths: ["/abs/**", "ok/**", "**/{a,b"]', // 6
      '    clusters: [c1]', //                     7
      '    gates:', //                             8
      '      soak: 30 minutes', //                 9
      '    colour: blue', //                       10
      '  - name: dev', //                          11
      '    paths: ["x/**"]', //                    12
      'images:', //                                13
      '  - repository: ghcr.io/acme/app:1.0', //  14
      '    policy: { semver: { range: "1.x" }, numerical: {} }', // 15
      '    source: { repository: acme }', //       16
      'pullRequests:', //                          17
      '  supersede: merge', //                     18
      'pollling: {}', //                           19
    ].join('\n');
    const byPath = Object.fromEntries(problems(text).map((p) => [p.path, p]));
    expect(Object.keys(byPath).sort()).toEqual(
      [
        'environments[1].name',
        'environments[1].paths[0]',
        'environments[1].paths[2]',
        'environments[1].gates.soak',
        'environments[1].colour',
        'images[0].repository',
        'images[0].policy',
        'images[0].source.repository',
        'pullRequests.supersede',
        'pollling',
      ].sort(),
    );
    expect(byPath['environments[1].name']!.line).toBe(5);
    expect(byPath['environments[1].paths[0]']!.line).toBe(6);
    expect(byPath['environments[1].gates.soak']!.line).toBe(9);
    expect(byPath['environments[1].colour']).toMatchObject({ line: 10, message: 'unknown key "colour"' });
    expect(byPath['images[0].repository']!.line).toBe(14);
    expect(byPath['images[0].policy']!.message).toMatch(/exactly one/);
    expect(byPath['images[0].source.repository']!.line).toBe(16);
    expect(byPath['pullRequests.supersede']!.line).toBe(18);
    expect(byPath['pollling']).toMatchObject({ line: 19, message: 'unknown key "pollling"' });
  });

  it('checks uniqueness across environments once the fields are valid', () => {
    const text = [
      'environments:',
      '  - { name: dev, paths: ["a/**"], clusters: [c1] }',
      '  - { name: prod, paths: ["b/**"], clusters: [c2, c1] }',
      '  - { name: dev, paths: ["c/**"] }',
      'images:',
      '  - repository: nginx',
      '  - repository: docker.io/library/nginx',
    ].join('\n');
    const found = problems(text);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'environments[2].name', line: 4, message: expect.stringMatching(/duplicate environment "dev"/) }),
        expect.objectContaining({ path: 'environments[1].clusters[1]', line: 3, message: expect.stringMatching(/already in environment "dev"/) }),
        expect.objectContaining({ path: 'images[1].repository', line: 7, message: expect.stringMatching(/duplicate image/) }),
      ]),
    );
    expect(found).toHaveLength(3);
  });

  it('points a missing required key at its parent', () => {
    const [p] = problems('environments:\n  - name: dev\n');
    expect(p).toMatchObject({ path: 'environments[0].paths', line: 2 });
    expect(p!.message).toMatch(/^required/);
  });

  it('uses the file name given in messages', () => {
    expect(parseCourierConfig('a: [', 'org/.github:courier.yml')).toMatchObject({
      ok: false,
      problems: [expect.objectContaining({ message: expect.stringContaining('org/.github:courier.yml:') })],
    });
  });
});

describe('validateCourierConfig', () => {
  it('validates objects from Probot context.config, including _extends', () => {
    expect(validateCourierConfig({ _extends: '.github', environments: [{ name: 'dev', paths: ['**'] }] }).ok).toBe(true);
    expect(validateCourierConfig(null)).toMatchObject({ ok: false });
    expect(validateCourierConfig({ environments: [] })).toMatchObject({
      ok: false,
      problems: [expect.objectContaining({ path: 'environments' })],
    });
  });
});

describe('courierConfigMergeOptions', () => {
  it('lets a repository list replace the inherited one', () => {
    const org = [{ name: 'dev', paths: ['**'] }];
    const repo = [{ name: 'staging', paths: ['s/**'] }];
    expect(courierConfigMergeOptions.arrayMerge(org, repo)).toBe(repo);
  });
});

describe('defaultConfig', () => {
  it('has one environment holding every file', () => {
    const config = defaultConfig();
    expect(config.environments).toEqual([{ name: 'default', paths: ['**'], clusters: [], autoMerge: false, gates: { approval: false }, windows: [], rollback: 'manual' }]);
    expect(validateCourierConfig(config).ok).toBe(true);
  });
});

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1d', 86_400_000],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  it.each(['', '30', 'm', '1.5h', '-1s', '5 m', '1y'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/is not a duration/);
  });
});

describe('published schema', () => {
  it('is up to date (regenerate with: node --import tsx scripts/gen-schema.ts)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../../schema/courier-config.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(courierConfigJsonSchema());
  });

  it('has an up-to-date reference page (same command)', () => {
    expect(readFileSync(new URL('../../../schema/courier-config.md', import.meta.url), 'utf8')).toBe(configReferenceDocument());
  });

  it('rejects unknown keys and documents every field', () => {
    const schema = courierConfigJsonSchema() as { additionalProperties?: boolean };
    expect(schema.additionalProperties).toBe(false);
    const reference = configReferenceMarkdown();
    for (const row of reference.split('\n').slice(2, -1)) {
      const description = row.split(' | ').at(-1)!.replace(/ \|$/, '');
      expect(description.length, row).toBeGreaterThan(5);
    }
    expect(reference).toContain('| `pullRequests.groupWindow` | duration | no | `"10s"` |');
    expect(reference).toContain('`environments[].gates.soak`');
  });
});

describe('promotion settings', () => {
  const env = (extra: string, name = 'prod'): string => `environments:\n  - name: ${name}\n    paths: ["prod/**"]\n${extra}`;
  it('reads change windows and rollback per environment', () => {
    const parsed = parseCourierConfig(env('    rollback: auto\n    windows:\n      - days: [mon, tue]\n        start: "09:00"\n        end: "17:00"\n        timeZone: Europe/Berlin\n'), '.github/courier.yml');
    expect(parsed.ok && parsed.config.environments[0]).toMatchObject({ rollback: 'auto', windows: [{ days: ['mon', 'tue'], start: '09:00', end: '17:00', timeZone: 'Europe/Berlin' }] });
  });
  it('names the field of a bad window, an unknown time zone and the reserved environment name', () => {
    const bad = parseCourierConfig(env('    windows:\n      - days: [mon]\n        start: "9am"\n        end: "17:00"\n        timeZone: Mars/Olympus\n'), '.github/courier.yml');
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problems.map((p) => p.path)).toEqual(['environments[0].windows[0].start', 'environments[0].windows[0].timeZone']);
      expect(bad.problems[1]!.line).toBe(8);
    }
    const reserved = parseCourierConfig(env('', 'gate'), '.github/courier.yml');
    expect(!reserved.ok && reserved.problems[0]!.message).toMatch(/"gate" is reserved/);
  });
});
