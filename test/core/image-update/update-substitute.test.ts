import { describe, expect, it } from 'vitest';
import { SubstituteError, updateSubstitute } from '../../../src/core/image-update/index.ts';

const cluster = [
  'apiVersion: kustomize.toolkit.fluxcd.io/v1',
  'kind: Kustomization',
  'metadata:',
  '  name: infra',
  '  namespace: flux-system',
  'spec:',
  '  postBuild:',
  '    substitute:',
  '      APP_VERSION: "1.0.0"',
  '---',
  'apiVersion: kustomize.toolkit.fluxcd.io/v1',
  'kind: Kustomization',
  'metadata:',
  '  name: apps',
  '  namespace: flux-system',
  'spec:',
  '  postBuild:',
  '    substitute:',
  '      APP_VERSION: 1.0.0 # set by Courier',
  '      OTHER: x',
  '',
].join('\r\n');

describe('updateSubstitute', () => {
  it('edits the named object only, byte-minimally, keeping CRLF and comments', () => {
    const result = updateSubstitute({ path: 'clusters/prod/apps.yaml', text: cluster }, 'apps', 'APP_VERSION', '1.2.0', 'ghcr.io/acme/app');
    expect(result.text).toBe(cluster.replace('APP_VERSION: 1.0.0 #', 'APP_VERSION: 1.2.0 #'));
    expect(result.change).toEqual({
      file: 'clusters/prod/apps.yaml',
      line: 19,
      object: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
      field: 'spec.postBuild.substitute.APP_VERSION',
      old: '1.0.0',
      new: '1.2.0',
      reason: 'postbuild-substitute',
      image: 'ghcr.io/acme/app',
    });
  });
  it('keeps the value a string: Flux rejects non-string substitutes', () => {
    const result = updateSubstitute({ path: 'c.yaml', text: cluster }, 'apps', 'APP_VERSION', '1.10');
    expect(result.text).toContain('APP_VERSION: "1.10" # set by Courier');
  });
  it('without a name, edits the first object that sets the variable', () => {
    const result = updateSubstitute({ path: 'c.yaml', text: cluster }, undefined, 'APP_VERSION', '2.0.0');
    expect(result.text).toBe(cluster.replace('APP_VERSION: "1.0.0"', 'APP_VERSION: "2.0.0"'));
  });
  it('returns no change when the value is already set', () => {
    expect(updateSubstitute({ path: 'c.yaml', text: cluster }, 'apps', 'APP_VERSION', '1.0.0')).toEqual({ text: cluster });
  });
  it('says where and what to do when the variable is missing', () => {
    expect(() => updateSubstitute({ path: 'c.yaml', text: cluster }, 'apps', 'NOPE', '1')).toThrow(SubstituteError);
    expect(() => updateSubstitute({ path: 'c.yaml', text: cluster }, 'nope', 'APP_VERSION', '1')).toThrow(/Flux Kustomization nope/);
  });
});

describe('updateSubstitute through an alias', () => {
  it('refuses to edit through an alias and names the anchor to change instead', () => {
    const text = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: &v "1.0.0"\nspec:\n  postBuild:\n    substitute:\n      APP_VERSION: *v\n';
    expect(() => updateSubstitute({ path: 'ks.yaml', text }, undefined, 'APP_VERSION', '1.1.0')).toThrow(/ks\.yaml:8 spec\.postBuild\.substitute\.APP_VERSION is an alias of the anchor &v at line 4.*never edits through an alias/);
  });
});
