/** A small multi-cluster Flux fleet, as files, shared by the repository-model tests. */
import type { RepoFile } from '../../../src/core/repo-model/repo-file.ts';

const clusterApps = (cluster: string, version: string) => `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/podinfo/
  sourceRef:
    kind: GitRepository
    name: flux-system
  postBuild:
    substitute:
      CLUSTER: ${cluster}
      APP_VERSION: "${version}" # pinned per cluster
`;

const sync = (cluster: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  path: ./clusters/${cluster}
  sourceRef: { kind: GitRepository, name: flux-system }
`;

export const FLEET: RepoFile[] = [
  { path: 'clusters/cloud-dev/flux-system/gotk-sync.yaml', text: sync('cloud-dev') },
  { path: 'clusters/cloud-dev/podinfo.yaml', text: clusterApps('cloud-dev', '6.5.0') },
  { path: 'clusters/munich-dev/podinfo.yaml', text: clusterApps('munich-dev', '6.5.0') },
  { path: 'clusters/cloud-prod/podinfo.yaml', text: clusterApps('cloud-prod', '6.4.0') },
  {
    path: 'clusters/cloud-dev/tools.yaml',
    text: `apiVersion: kustomize.toolkit.fluxcd.io/v1beta2
kind: Kustomization
metadata: { name: tools, namespace: flux-system }
spec:
  path: "apps/tools"
  sourceRef: { kind: GitRepository, name: flux-system }
  images:
    - name: ghcr.io/acme/tool
      newTag: 1.0.0
    - name: busybox
      newName: docker.io/library/busybox
      digest: sha256:${'b'.repeat(64)}
`,
  },
  {
    path: 'apps/podinfo/deployment.yaml',
    text: `apiVersion: apps/v1
kind: Deployment
metadata: { name: podinfo }
spec:
  template:
    spec:
      containers:
        - name: app
          image: ghcr.io/stefanprodan/podinfo:\${APP_VERSION}
`,
  },
  { path: 'apps/podinfo/kustomization.yaml', text: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [deployment.yaml]\n' },
  {
    path: 'apps/tools/release.yaml',
    text: `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: tool
  namespace: tools
spec:
  chart:
    spec:
      chart: tool
      version: 1.2.x
      sourceRef: { kind: HelmRepository, name: acme, namespace: flux-system }
  values:
    image: { repository: ghcr.io/acme/tool, tag: 1.0.0 }
`,
  },
  {
    path: 'infrastructure/image-automation/podinfo.yaml',
    text: `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  image: ghcr.io/stefanprodan/podinfo
  interval: 1m
  exclusionList: ["^.*\\\\.sig$"]
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata:
  name: podinfo
  namespace: flux-system
spec:
  imageRepositoryRef:
    name: podinfo
  filterTags:
    pattern: '^(?P<v>[0-9.]+)$'
    extract: '$v'
  policy:
    semver:
      range: '>=6.0.0'
  digestReflectionPolicy: IfNotPresent
---
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImagePolicy
metadata:
  name: tool
  namespace: apps
spec:
  imageRepositoryRef: { name: tool, namespace: flux-system }
  policy:
    numerical: { order: asc }
---
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImageRepository
metadata: { name: tool, namespace: flux-system }
spec: { image: ghcr.io/acme/tool }
`,
  },
  { path: 'README.md', text: '# fleet\nkind: Kustomization of kustomize.toolkit.fluxcd.io/v1 in prose\n' },
];

export const CONFIG_YAML = `environments:
  - name: dev
    clusters: [cloud-dev, munich-dev]
    paths: ["clusters/cloud-dev/**", "clusters/munich-dev/**"]
  - name: prod
    clusters: [cloud-prod]
    paths: ["clusters/cloud-prod/**"]
`;
