import type { CourierConfig } from '../config/index.ts';
import { environmentOf, kustomizationsHolding } from './environment-of.ts';
import type { RepoModel } from './flux-objects.ts';

/** A cluster Kustomization that sets a postBuild variable an app file uses. */
export interface Substitution {
  /** The file holding the Kustomization (where the value is edited). */
  file: string;
  kustomization: { name: string; namespace?: string };
  /** Environment of that file when a config is given and its globs match it. */
  env?: string;
  value: string;
  /** 1-based line of the value. */
  line: number;
}

/**
 * The Flux Kustomizations whose `spec.path` holds `appPath` and that set `variable` in
 * `spec.postBuild.substitute`: how `image: repo:${APP_VERSION}` in `apps/foo/` is bumped per cluster.
 * `substituteFrom` ConfigMaps/Secrets live in the cluster, not here, and are not followed.
 */
export function substitutionsFor(appPath: string, variable: string, model: RepoModel, config?: CourierConfig): Substitution[] {
  const out: Substitution[] = [];
  for (const k of kustomizationsHolding(appPath, model)) {
    const set = k.substitute.get(variable);
    if (!set) continue;
    const env = config ? environmentOf(k.file, config) : undefined;
    out.push({
      file: k.file,
      kustomization: { name: k.name, ...(k.namespace === undefined ? {} : { namespace: k.namespace }) },
      ...(env === undefined ? {} : { env }),
      value: set.value,
      line: set.line,
    });
  }
  return out;
}
