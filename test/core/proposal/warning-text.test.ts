import { describe, expect, it } from 'vitest';
import { warningText } from '../../../src/core/proposal/warning-text.ts';

describe('warningText: the location once, then what happened', () => {
  it.each([
    [{ code: 'not-newer', file: 'apps/a.yaml', line: 38, field: 'spec.x', message: 'apps/a.yaml:38 spec.x: 1.0 is older' }, 'apps/a.yaml:38', 'spec.x: 1.0 is older'],
    [{ code: 'yaml-parse-error', file: 'apps/a.yaml', line: 3, message: 'apps/a.yaml:3: not valid YAML' }, 'apps/a.yaml:3', 'not valid YAML'],
    [{ code: 'shared-file', file: 'apps/base/d.yaml', line: 26, message: 'apps/base/d.yaml is deployed by environments dev, prod' }, 'apps/base/d.yaml:26', 'this file is deployed by environments dev, prod'],
    [{ code: 'variable-unset', file: 'apps/a.yaml', line: 9, message: 'app:${TAG} uses ${TAG}' }, 'apps/a.yaml:9', 'app:${TAG} uses ${TAG}'],
    [{ code: 'not-deployed', message: '2 files reference…' }, '', '2 files reference…'],
  ])('%#', (warning, location, text) => {
    expect(warningText(warning)).toEqual({ location, text });
  });
});
