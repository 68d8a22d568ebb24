import { describe, expect, it } from 'vitest';
import { lineOfField, splitFieldPath } from '../../src/handlers/config-lines.ts';
import { CONFIG_YAML } from '../app/helpers.ts';

describe('lineOfField', () => {
  it('splits bracket, dotted and pointer paths alike', () => {
    expect(splitFieldPath('environments[1].clusters')).toEqual(['environments', 1, 'clusters']);
    expect(splitFieldPath('/environments/1/clusters')).toEqual(['environments', 1, 'clusters']);
    expect(splitFieldPath('environments.1.clusters')).toEqual(['environments', 1, 'clusters']);
  });

  it.each([
    ['environments', 2],
    ['environments[0].name', 3],
    ['environments[1].clusters', 7],
    ['images[0].source.repository', 12],
    // A missing key points at the deepest existing parent.
    ['environments[1].gates.soak', 6],
    ['images[0].source.nope', 11],
  ])('finds %s on line %i', (path, line) => {
    expect(lineOfField(CONFIG_YAML, path)).toBe(line);
  });

  it('gives up on fields outside the file and on unparsable text', () => {
    expect(lineOfField(CONFIG_YAML, 'templates')).toBeUndefined();
    expect(lineOfField('a: [', 'a')).toBeUndefined();
  });
});
