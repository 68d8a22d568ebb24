/**
 * Flux's source-controller decides which files of a GitRepository reach the artifact with go-git v5's
 * gitignore matcher (fluxcd/pkg/sourceignore): every path is judged on its own, the last pattern that
 * matches it wins, an anchored pattern matches a path's prefix (so `!/deploy` re-includes everything
 * under `deploy/`, unlike git), a pattern without `/` matches any path component. The cases below are
 * those rules; the first is onedr0p/home-ops' real `spec.ignore` (test/fixtures/real-fleet/onedr0p-home-ops-2023).
 */
import { describe, expect, it } from 'vitest';
import { fluxSourceIgnore, parseSourceIgnore } from '../../../src/core/repo-model/flux-source-ignore.ts';

const ignores = (specIgnore: string | undefined, path: string, sourceIgnores: { dir: string; text: string }[] = []) =>
  fluxSourceIgnore({ specIgnore, sourceIgnores })(path);

describe('fluxSourceIgnore (go-git v5 semantics, as source-controller archives a GitRepository)', () => {
  const onedr0p = '# exclude all\n/*\n# include kubernetes directory\n!/kubernetes/main\n';

  it('re-includes a whole folder below an excluded parent (last match wins, prefix match)', () => {
    expect(ignores(onedr0p, 'kubernetes/main/flux/config/cluster.yaml')).toBe(false);
    expect(ignores(onedr0p, 'kubernetes/main/apps/default/qbittorrent/app/helmrelease.yaml')).toBe(false);
    expect(ignores(onedr0p, '.archive/kubernetes/apps/downloads/qbittorrent-vpn/app/helmrelease.yaml')).toBe(true);
    expect(ignores(onedr0p, 'kubernetes/other/a.yaml')).toBe(true);
    expect(ignores(onedr0p, 'README.md')).toBe(true);
  });

  it('matches a pattern without a slash against any component, and `dir/` only directories', () => {
    expect(ignores('*.md\n', 'docs/guide/readme.md')).toBe(true);
    expect(ignores('tests\n', 'apps/tests/deploy.yaml')).toBe(true);
    expect(ignores('tests/\n', 'apps/tests/deploy.yaml')).toBe(true);
    expect(ignores('tests/\n', 'apps/tests')).toBe(false); // a file named `tests`
    expect(ignores('tests\n', 'apps/testsuite.yaml')).toBe(false);
  });

  it('handles `**`, `?`, classes and escapes as Go filepath.Match does', () => {
    expect(ignores('**/secret.yaml\n', 'a/b/secret.yaml')).toBe(true);
    expect(ignores('apps/**/values.yaml\n', 'apps/x/y/values.yaml')).toBe(true);
    expect(ignores('apps/**/values.yaml\n', 'infra/x/values.yaml')).toBe(false);
    expect(ignores('/app?.yaml\n', 'app1.yaml')).toBe(true);
    expect(ignores('/app[0-9].yaml\n', 'app7.yaml')).toBe(true);
    expect(ignores('/app[^0-9].yaml\n', 'app7.yaml')).toBe(false);
    expect(ignores('/a\\*b.yaml\n', 'a*b.yaml')).toBe(true);
    expect(ignores('/a\\*b.yaml\n', 'axb.yaml')).toBe(false);
    // A malformed pattern never matches (filepath.Match returns ErrBadPattern, go-git answers no match).
    expect(ignores('/app[.yaml\n', 'app[.yaml')).toBe(false);
  });

  it('reads comments, blank lines and trailing spaces as go-git does', () => {
    expect(parseSourceIgnore('# c\n\n   \nfoo   \n!bar\n', [])).toHaveLength(2);
    expect(ignores('foo   \n', 'x/foo')).toBe(true);
  });

  it('applies the default exclusions only when no pattern is given (spec.ignore overrides them)', () => {
    expect(ignores(undefined, '.github/workflows/ci.yaml')).toBe(true);
    expect(ignores(undefined, 'clusters/prod/.sops.yaml')).toBe(true);
    expect(ignores(undefined, 'docs/logo.png')).toBe(true);
    expect(ignores(undefined, 'clusters/prod/apps.yaml')).toBe(false);
    expect(ignores('/docs\n', '.github/workflows/ci.yaml')).toBe(false);
    expect(ignores('/docs\n', '.git/config')).toBe(true); // the VCS patterns always apply
  });

  it('scopes a .sourceignore to its folder, below spec.ignore in priority', () => {
    const nested = [{ dir: 'apps', text: '*.yaml\n' }];
    expect(ignores(undefined, 'apps/x/deploy.yaml', nested)).toBe(true);
    expect(ignores(undefined, 'infra/deploy.yaml', nested)).toBe(false);
    expect(ignores('!/apps/x\n', 'apps/x/deploy.yaml', nested)).toBe(false);
  });

  it('stays fast on a pattern that makes backtracking matchers explode', () => {
    const evil = `/${'*a'.repeat(30)}b\n`;
    expect(ignores(evil, 'a'.repeat(5000))).toBe(false);
  });
});
