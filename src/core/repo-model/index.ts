/** The repository model: Flux objects, environments and policies of a GitOps repository, from its files alone. */
export * from './flux-objects.ts';
export { buildRepoModel, FLUX_API_MARK, mayHoldFluxObject, normaliseFluxPath } from './build-repo-model.ts';
export { isKustomizeFileName, readKustomizeFile } from './read-kustomize-file.ts';
export { environmentOf, isUnder, kustomizationsHolding, membership, type Membership } from './environment-of.ts';
export { substitutionsFor, type Substitution } from './substitutions-for.ts';
export { buildPolicyIndex, type MarkerPolicy, type PolicyEntry, type PolicyIndex } from './build-policy-index.ts';
export { deployedFiles, type Deployment } from './deployed-files.ts';
