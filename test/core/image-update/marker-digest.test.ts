import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/core/config/index.ts';
import { planImageUpdate } from '../../../src/core/image-update/plan-image-update.ts';
import type { RepoFile } from '../../../src/core/repo-model/repo-file.ts';
import { imageAutomation } from './image-automation-fixture.ts';

const DIGEST = `sha256:${'b'.repeat(64)}`;
const OLD_DIGEST = `sha256:${'a'.repeat(64)}`;

function fleet(reflection: string | undefined, image: string): RepoFile[] {
  return [
    {
      path: 'flux/policy.yaml',
      text: imageAutomation({ name: 'app', image: 'ghcr.io/acme/app', range: '>=1.0.0', ...(reflection ? { digestReflectionPolicy: reflection } : {}) }),
    },
    {
      path: 'apps/app.yaml',
      text: `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: ${image} # {"$imagepolicy": "flux-system:app"}
`,
    },
  ];
}

const bump = (files: RepoFile[]) =>
  planImageUpdate({ files, config: defaultConfig(), releases: [{ repository: 'ghcr.io/acme/app', tag: '1.1.0', digest: DIGEST }] }).changeSet.changes.map((c) => c.new);

describe('full-form setter markers and release digests', () => {
  it('writes only the tag when the ImagePolicy does not reflect digests, as Flux would', () => {
    expect(bump(fleet(undefined, 'ghcr.io/acme/app:1.0.0'))).toEqual(['ghcr.io/acme/app:1.1.0']);
    expect(bump(fleet('Never', 'ghcr.io/acme/app:1.0.0'))).toEqual(['ghcr.io/acme/app:1.1.0']);
  });

  it('appends the digest when the ImagePolicy reflects digests', () => {
    expect(bump(fleet('IfNotPresent', 'ghcr.io/acme/app:1.0.0'))).toEqual([`ghcr.io/acme/app:1.1.0@${DIGEST}`]);
  });

  it('keeps a value pinned by digest pinned, with the release digest', () => {
    expect(bump(fleet(undefined, `ghcr.io/acme/app:1.0.0@${OLD_DIGEST}`))).toEqual([`ghcr.io/acme/app:1.1.0@${DIGEST}`]);
  });
});
