import { describe, expect, it } from 'vitest';
import { buildRepoModel, deployedFiles } from '../../../src/core/repo-model/index.ts';
import type { RepoFile } from '../../../src/core/repo-model/repo-file.ts';

const ks = (name: string, path: string, source = 'GitRepository', extra = ''): string =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  path: ${path}\n  sourceRef:\n    kind: ${source}\n    name: flux-system\n${extra}`;
const gitRepository = (ignore?: string): string =>
  `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  url: ssh://git@github.com/acme/fleet\n${ignore ? `  ignore: |\n${ignore.split('\n').map((l) => `    ${l}`).join('\n')}\n` : ''}`;
const deploy = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n';

function fleet(extra: RepoFile[] = [], ignore?: string): RepoFile[] {
  return [
    { path: 'clusters/dev/flux-system/gotk-sync.yaml', text: `${gitRepository(ignore)}---\n${ks('flux-system', './clusters/dev')}` },
    { path: 'clusters/dev/apps.yaml', text: ks('apps', './apps/dev') },
    { path: 'apps/dev/kustomization.yaml', text: 'resources:\n  - ../base/podinfo\n  - ./legacy\n' },
    { path: 'apps/base/podinfo/kustomization.yaml', text: 'resources:\n  - deployment.yaml\npatches:\n  - path: patches/image.yaml\nconfigMapGenerator:\n  - name: values\n    files:\n      - values.yaml=./helm-values.yaml\n' },
    { path: 'apps/base/podinfo/deployment.yaml', text: deploy },
    { path: 'apps/base/podinfo/patches/image.yaml', text: '- op: replace\n' },
    { path: 'apps/base/podinfo/helm-values.yaml', text: 'image: {}\n' },
    { path: 'apps/base/podinfo/unused.yaml', text: deploy },
    { path: 'apps/dev/legacy/deployment.yaml', text: deploy },
    { path: '.archive/old/ks.yaml', text: ks('old', './.archive/old/app') },
    { path: '.archive/old/app/deployment.yaml', text: deploy },
    ...extra,
  ];
}

const deployed = (files: RepoFile[]): string[] => {
  const result = deployedFiles(buildRepoModel(files));
  if (!result.known) throw new Error(result.why);
  return [...result.deployed].sort();
};

describe('deployedFiles', () => {
  it('follows Flux paths from the self-managing sync through kustomize resources, patch and generator files', () => {
    expect(deployed(fleet())).toEqual([
      'apps/base/podinfo/deployment.yaml',
      'apps/base/podinfo/helm-values.yaml',
      'apps/base/podinfo/kustomization.yaml',
      'apps/base/podinfo/patches/image.yaml',
      'apps/dev/kustomization.yaml',
      'apps/dev/legacy/deployment.yaml',
      'clusters/dev/apps.yaml',
      'clusters/dev/flux-system/gotk-sync.yaml',
    ]);
  });

  it("leaves out what the GitRepository's spec.ignore excludes", () => {
    expect(deployed(fleet([], '/apps/dev/legacy/'))).not.toContain('apps/dev/legacy/deployment.yaml');
  });

  it('leaves out what a committed .sourceignore excludes, scoped to its folder, unless spec.ignore re-includes it', () => {
    const nested = fleet([{ path: 'apps/dev/.sourceignore', text: '# not shipped\nlegacy/\n' }]);
    expect(deployed(nested)).not.toContain('apps/dev/legacy/deployment.yaml');
    expect(deployed(nested)).toContain('apps/base/podinfo/deployment.yaml');
    expect(deployed(fleet([{ path: 'apps/dev/.sourceignore', text: 'legacy/\n' }], '!/apps/dev/legacy'))).toContain('apps/dev/legacy/deployment.yaml');
  });

  it('re-includes a folder below an excluded parent as Flux does (go-git: last match wins, prefix match)', () => {
    const files = deployed(fleet([], '/*\n!/clusters\n!/apps/base\n'));
    expect(files).toContain('apps/base/podinfo/deployment.yaml');
    expect(files).toContain('clusters/dev/apps.yaml');
    expect(files).not.toContain('apps/dev/legacy/deployment.yaml');
  });

  it('cannot tell without a self-managing sync: whatever applies the committed Kustomizations is elsewhere', () => {
    const files = fleet().filter((f) => !f.path.startsWith('clusters/dev/flux-system/'));
    expect(deployedFiles(buildRepoModel(files))).toEqual({ known: false, why: expect.stringContaining('no committed Flux Kustomization applies its own file') });
  });

  it('cannot tell when a Kustomization reads an OCIRepository or ExternalArtifact, or none is committed', () => {
    for (const kind of ['OCIRepository', 'ExternalArtifact']) {
      const result = deployedFiles(buildRepoModel(fleet([{ path: 'clusters/dev/oci.yaml', text: ks('oci', './', kind) }])));
      expect(result).toEqual({ known: false, why: expect.stringContaining(`reads ${kind} flux-system, whose content is built outside this repository`) });
    }
    expect(deployedFiles(buildRepoModel([{ path: 'app/deployment.yaml', text: deploy }])).known).toBe(false);
  });

  it('applies spec.components of a Flux Kustomization, resolved against its path', () => {
    const files = fleet([
      { path: 'clusters/dev/volsync.yaml', text: ks('volsync', './apps/base/podinfo', 'GitRepository', '  components:\n    - ../../../components/volsync\n') },
      { path: 'components/volsync/kustomization.yaml', text: 'kind: Component\nresources:\n  - ./pvc.yaml\n' },
      { path: 'components/volsync/pvc.yaml', text: 'kind: PersistentVolumeClaim\n' },
    ]);
    expect(deployed(files)).toEqual(expect.arrayContaining(['components/volsync/pvc.yaml']));
  });
});
