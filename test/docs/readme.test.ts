import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withConfigReference } from '../../src/core/config/readme-reference.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('holds the configuration reference generated from the schema (run scripts/gen-docs.ts when this fails)', () => {
    expect(readme).toBe(withConfigReference(readme));
  });

  it('opens with the two commands: the demo and the tests', () => {
    const commands = readme.match(/```sh\n([^`]*)```/)?.[1] ?? '';
    expect(commands).toContain('npm run demo');
    expect(commands).toContain('npm test');
  });

  it('gives the test command .ci/run runs', () => {
    const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
    expect(ci).toMatch(/^npm ci --no-audit --no-fund\nnpm test$/m);
    expect(readme).toContain('npm ci && npm test');
  });
});
