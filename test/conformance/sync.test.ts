/**
 * The conformance suites' data lives in the repository (test/conformance/<suite>/, each with its
 * SOURCE.md naming the upstream repository, commit and license) so the tests run in a clone anywhere.
 * Where the project's shared/ folder sits beside the clone, this keeps every file of every suite
 * byte for byte in step with it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const shared = path.resolve(here, '../../../shared/conformance');

function files(root: string, dir = ''): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.posix.join(dir, name);
    return statSync(path.join(root, rel)).isDirectory() ? files(root, rel) : [rel];
  });
}

const suites = existsSync(shared) ? readdirSync(shared).filter((s) => statSync(path.join(shared, s)).isDirectory()) : [];

describe('conformance data in the repository', () => {
  it('every suite names its source', () => {
    const local = readdirSync(here).filter((s) => statSync(path.join(here, s)).isDirectory());
    expect(local.sort()).toEqual(['flux-policies', 'flux-setters', 'sops']);
    for (const suite of local) expect(existsSync(path.join(here, suite, 'SOURCE.md')), suite).toBe(true);
  });

  describe.skipIf(suites.length === 0)(`in step with ${shared}`, () => {
    it.each(suites)('%s: same files, same bytes', (suite) => {
      const theirs = files(path.join(shared, suite)).sort();
      expect(files(path.join(here, suite)).sort()).toEqual(theirs);
      for (const file of theirs) {
        expect(readFileSync(path.join(here, suite, file)).equals(readFileSync(path.join(shared, suite, file))), `${suite}/${file}`).toBe(true);
      }
    });
  });
});
