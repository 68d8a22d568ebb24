/**
 * One file, one release: finds every reference to the release's repository (markers, kustomize
 * images, HelmRelease values, workload containers, postBuild variables, Flux v1 annotations) and
 * bumps it byte-minimally.
 */
import type { Warning } from '../proposal/change.ts';
import type { Release } from './release.ts';
import type { RepoFile } from '../repo-model/repo-file.ts';
import type { ScalarEdit } from '../yaml/scalar-edit.ts';
import { isParseFailure, objectRefOf, parseYamlFile } from '../yaml/yaml-file.ts';
import { documentMarkers, finishEdits, untouched } from './apply-setters.ts';
import { containerSites } from './containers.ts';
import { helmValueSites } from './helm-values.ts';
import { imageFieldSites } from './image-fields.ts';
import { mayHoldInlinePatches, updateInlinePatches } from './inline-patches.ts';
import type { Document } from 'yaml';
import { spellings } from './image-template.ts';
import { kustomizeImageSites } from './kustomize-images.ts';
import type { FileUpdate, FileUpdateContext, VariableUse } from './model.ts';
import { planMarkers } from './plan-markers.ts';
import { planSite } from './plan-site.ts';
import type { PlanState } from './plan-site.ts';
import { offsetOf } from './site.ts';
import type { FinderContext, ImageSite } from './site.ts';
import type { ImageChange } from './image-change.ts';

export type { FileUpdate, FileUpdateContext, MarkerPolicy, PolicyResolver, VariableUse } from './model.ts';

/** Texts that make a file a candidate for every release: a setter marker, a postBuild variable. */
export const SCREEN_MARKS: readonly string[] = ['$imagepolicy', '${'];

/**
 * Cheap text screen: could this file reference the release's image (or hold a marker)? No parse.
 * Looks for the last path component of the repository (present in every spelling and in split
 * registry/repository forms), a `$imagepolicy` marker, or a `${` postBuild variable.
 */
export function mightReference(text: string, release: Release): boolean {
  if (SCREEN_MARKS.some((mark) => text.includes(mark))) return true;
  return lastComponentPattern(release.repository).test(text);
}

/**
 * A screen for many releases at once: returns, for a file's text, the releases it might reference
 * (same rule as mightReference), in ONE scan of the text for all of them — a burst of a hundred
 * releases must not read every file a hundred times.
 */
export function releaseScreen(releases: readonly Release[]): (text: string) => Release[] {
  if (releases.length === 0) return () => [];
  const names = new Map(releases.map((r) => [r.repository, screenedName(r.repository)]));
  const pattern = new RegExp(`${BEFORE}(${[...new Set(names.values())].map(escape).join('|')})${AFTER}`, 'gm');
  return (text) => {
    if (SCREEN_MARKS.some((mark) => text.includes(mark))) return [...releases];
    const found = new Set<string>();
    for (const match of text.matchAll(pattern)) found.add(match[1]!);
    return releases.filter((r) => found.has(names.get(r.repository)!));
  };
}

const patterns = new Map<string, RegExp>();
const BEFORE = `(?:^|[/\\s"'[{,:])`;
const AFTER = `(?=[:@\\s"'\\]},]|$)`;

/** The word the screens look for: the last path component of the shortest spelling (`nginx` for `docker.io/library/nginx`). */
export function screenedName(repository: string): string {
  const shortest = spellings(repository).at(-1) ?? repository;
  return shortest.slice(shortest.lastIndexOf('/') + 1);
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The repository's last path component as a whole word (`app` in `acme/app:1`, not in `apps/v1`). */
function lastComponentPattern(repository: string): RegExp {
  let pattern = patterns.get(repository);
  if (!pattern) {
    pattern = new RegExp(`${BEFORE}${escape(screenedName(repository))}${AFTER}`, 'm');
    patterns.set(repository, pattern);
  }
  return pattern;
}

/** Updates every reference to release.repository in one file, byte-minimally. */
export function updateImageReferences(file: RepoFile, ctx: FileUpdateContext): FileUpdate {
  const parsed = parseYamlFile(file.text);
  if (isParseFailure(parsed)) return untouched(file, parsed);
  const edits: ScalarEdit[] = [];
  const changes: ImageChange[] = [];
  const warnings: Warning[] = [];
  const variables: VariableUse[] = [];
  const policy = ctx.policies.forRepository(ctx.release.repository) ?? ctx.defaultPolicy;
  const refused = new Set<string>();
  const finder: FinderContext = { path: file.path, lineOf: parsed.lineOf, warnings };
  if (ctx.legacyPolicy) finder.legacyPolicy = ctx.legacyPolicy;

  const mayHoldMarkers = file.text.includes('$imagepolicy') || file.text.includes('io.k8s.cli.setters');
  for (const doc of parsed.documents) {
    // A top-level list (a JSON6902 patch file) has no markers Flux reads; without any it is still searched.
    const marked = documentMarkers(file.path, parsed, doc, warnings, mayHoldMarkers) ?? (mayHoldMarkers ? undefined : []);
    if (!marked) continue;
    const state: PlanState = {
      file: file.path,
      lineOf: parsed.lineOf,
      object: objectRefOf(doc),
      release: ctx.release,
      policy,
      edits,
      changes,
      warnings,
      variables,
    };
    const claimed = planMarkers(marked, ctx, state, refused);
    for (const site of documentSites(file.path, doc, finder, ctx.release.repository, claimed)) planSite(site, state);
  }
  const update = finishEdits(file, edits, changes, warnings, variables);
  return mayHoldInlinePatches(file.text) ? updateInlinePatches(file.path, update, ctx) : update;
}

/**
 * Every unmarked image site of a document: the kind-specific finders first, then the generic ones for
 * scalars nobody claimed. Sites touching a marked scalar (`claimed` offsets) are left to the marker.
 */
export function documentSites(path: string, doc: Document.Parsed, finder: FinderContext, repository: string, claimed: ReadonlySet<number> = new Set()): ImageSite[] {
  const sites: ImageSite[] = [...kustomizeImageSites(path, doc), ...helmValueSites(doc), ...containerSites(doc, finder)];
  const taken = new Set(claimed);
  for (const site of sites) for (const at of [site.ref, site.tag, site.digest]) if (at) taken.add(offsetOf(at));
  sites.push(...imageFieldSites(doc, repository, taken));
  return sites.filter((site) => ![site.ref, site.tag, site.digest].some((at) => at !== undefined && claimed.has(offsetOf(at))));
}
