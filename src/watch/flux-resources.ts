/** The Flux kinds the reporter watches and the API versions Flux has shipped for each, newest first. */

/** A watchable kind: its API group, plural and the versions the reporter understands. */
export interface FluxKind {
  kind: 'Kustomization' | 'HelmRelease' | 'GitRepository' | 'OCIRepository';
  group: string;
  plural: string;
  versions: readonly string[];
}

/** Every Flux kind the reporter reads; the RBAC in deploy/reporter grants exactly these. */
export const FLUX_KINDS: readonly FluxKind[] = [
  { kind: 'Kustomization', group: 'kustomize.toolkit.fluxcd.io', plural: 'kustomizations', versions: ['v1', 'v1beta2', 'v1beta1'] },
  { kind: 'HelmRelease', group: 'helm.toolkit.fluxcd.io', plural: 'helmreleases', versions: ['v2', 'v2beta2', 'v2beta1'] },
  { kind: 'GitRepository', group: 'source.toolkit.fluxcd.io', plural: 'gitrepositories', versions: ['v1', 'v1beta2', 'v1beta1'] },
  { kind: 'OCIRepository', group: 'source.toolkit.fluxcd.io', plural: 'ocirepositories', versions: ['v1', 'v1beta2'] },
];
