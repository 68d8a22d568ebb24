/**
 * Several releases of one image can arrive in one batch (a burst, a replay, a backfill). Only the
 * newest may count: planning each in turn lets whichever comes last win per reference, so a variable
 * could end at 6.5.27 while the tags reached 6.5.40, and the PR would name an arbitrary one.
 */
import type { TagPolicy } from '../policies/tag-policy.ts';
import type { Release } from './release.ts';

/**
 * Drops every release that another release of the same repository outranks under that repository's
 * policy, and repeats of one tag (keeping a digest one of them knows). Releases the policy cannot
 * order against each other (`1.2.0` and `1.2.0-alpine` under the default policy) all stay: each
 * reference takes the one of its own shape. Order of first appearance is kept.
 */
export function newestReleases(releases: readonly Release[], policyFor: (repository: string) => TagPolicy): Release[] {
  const byRepository = new Map<string, Release[]>();
  for (const release of releases) {
    const list = byRepository.get(release.repository) ?? [];
    const same = list.find((r) => r.tag === release.tag);
    if (same) {
      if (!same.digest && release.digest) list[list.indexOf(same)] = { ...same, digest: release.digest };
      continue;
    }
    list.push(release);
    byRepository.set(release.repository, list);
  }
  const kept = new Set<Release>();
  for (const [repository, list] of byRepository) {
    const policy = policyFor(repository);
    const ranked = (r: Release) => policy.accepts(r.tag);
    for (const release of list) {
      const outranked = list.some((other) => other !== release && ranked(other) && (!ranked(release) || policy.compare(other.tag, release.tag) > 0));
      if (!outranked) kept.add(release);
    }
  }
  return [...byRepository.values()].flat().filter((r) => kept.has(r));
}
