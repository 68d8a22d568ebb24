/**
 * Whether a folder builds on its own, as far as the repository can tell without running kustomize:
 * every local file or folder its kustomization files read exists, and (for a copy) none of them
 * reads back into the folder it was copied from — a sibling at the same depth keeps every other
 * relative reference pointing where it pointed before.
 */
import { isUnder } from '../repo-model/environment-of.ts';
import type { RepoModel } from '../repo-model/flux-objects.ts';

/** Problems of `folder` in `model` (whose `paths` lists every path of the tree); empty when it builds. */
export function folderProblems(folder: string, model: RepoModel, copiedFrom?: string): string[] {
  const paths = model.paths;
  const exists = (p: string): boolean => p === '' || paths.includes(p) || paths.some((q) => q.startsWith(`${p}/`));
  const problems: string[] = [];
  for (const kf of model.kustomizeFiles) {
    if (!isUnder(kf.file, folder)) continue;
    for (const r of [...kf.references, ...(kf.inputs ?? [])]) {
      if (copiedFrom !== undefined && isUnder(r, copiedFrom)) problems.push(`${kf.file} would read ${r} (a path back into ${copiedFrom}) from the copy: make the reference relative to its own folder`);
      else if (!exists(r)) problems.push(`${kf.file} reads ${r}, which does not exist: ${folder} would not build`);
    }
  }
  return problems;
}
