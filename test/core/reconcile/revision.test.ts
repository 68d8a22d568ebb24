import { describe, expect, it } from 'vitest';
import { commitOf, parseRevision } from '../../../src/core/reconcile/revision.ts';

const SHA = 'a1afe267b54f38b46b487f6e938a6fd508278c07';
const DIGEST = 'sha256:' + 'b'.repeat(64);

describe('parseRevision', () => {
  it.each([
    [`main@sha1:${SHA}`, { ref: 'main', sha: SHA }],
    [`environment/dev@sha1:${SHA}`, { ref: 'environment/dev', sha: SHA }],
    [`sha1:${SHA}`, { sha: SHA }],
    [`main/${SHA}`, { ref: 'main', sha: SHA }],
    [`environment/dev/${SHA}`, { ref: 'environment/dev', sha: SHA }],
    [SHA.toUpperCase(), { sha: SHA }],
    [`latest@${DIGEST}`, { ref: 'latest', digest: DIGEST }],
    [DIGEST, { digest: DIGEST }],
  ])('%s', (input, expected) => {
    expect(parseRevision(input)).toEqual(expected);
  });

  it.each(['', 'master', '6.5.0', 'main@sha1:abc', `main@md5:${SHA}`, `v1@${SHA}`, 'main/abc', undefined])(
    'names nothing for %s',
    (input) => {
      expect(parseRevision(input)).toBeUndefined();
      expect(commitOf(input)).toBeUndefined();
    },
  );

  it('gives the commit only for Git revisions', () => {
    expect(commitOf(`main@sha1:${SHA}`)).toBe(SHA);
    expect(commitOf(`latest@${DIGEST}`)).toBeUndefined();
  });
});
