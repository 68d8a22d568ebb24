import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validateCourierConfig } from '../../src/core/config/index.ts';
import { WARM_UP_CONFIG, warmUpConfigParsing } from '../../src/wiring/warm-up-config-parsing.ts';

describe('boot-time config warm-up', () => {
  it('parses a config that is valid, so the warm-up runs the whole schema rather than stopping at a problem', () => {
    const result = validateCourierConfig(parse(WARM_UP_CONFIG));
    expect(result.ok ? [] : result.problems).toEqual([]);
    expect(warmUpConfigParsing(validateCourierConfig)).toBe(true);
  });

  it('exercises the sections repositories use: environments with gates and windows, image policies, filterTags, labels', () => {
    const result = validateCourierConfig(parse(WARM_UP_CONFIG));
    if (!result.ok) throw new Error('invalid');
    expect(result.config.environments.map((e) => e.name)).toEqual(['dev', 'prod']);
    expect(result.config.environments[1]!.windows).toHaveLength(1);
    expect(result.config.images.map((i) => Object.keys(i.policy ?? {})[0])).toEqual(['semver', 'numerical']);
    expect(result.config.images[1]!.filterTags?.extract).toBe('$ts');
  });
});
