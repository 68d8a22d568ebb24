/**
 * The image-update planner: given a repository's files, its config and released images, returns
 * the byte-minimal edits for one environment and the record of every change and warning. Pure.
 */
import type { CourierConfig } from '../config/index.ts';
import { releaseScreen, updateImageReferences, type FileUpdate, type VariableUse } from './index.ts';
import { buildPolicyResolver } from './policy-resolver.ts';
import { defaultReleasePolicy } from '../policies/default-release-policy.ts';
import { policyFromLegacyFilter } from '../policies/legacy-filter.ts';
import { buildRepoModel, deployedFiles, membership } from '../repo-model/index.ts';
import { isSourceIgnoreFile } from '../repo-model/build-repo-model.ts';
import { applyVariableUses } from './plan-variables.ts';
import { newestReleases } from './newest-releases.ts';
import { releaseProblem } from './image-ref.ts';
import type { Warning } from '../proposal/change.ts';
import type { FileModification } from '../proposal/proposal.ts';
import type { Release } from './release.ts';
import type { RepoFile } from '../repo-model/repo-file.ts';
import type { ImageChange } from './image-change.ts';

/** A request the user must fix (unknown environment…); the message says what to do. */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

/** Input of planImageUpdate. */
export interface ImageUpdateInput {
  files: readonly RepoFile[];
  /**
   * Every path of the repository, when `files` holds only the files imagePlanInputScreen lets through
   * (the CLI's screened read); the files' own paths otherwise.
   */
  paths?: readonly string[];
  config: CourierConfig;
  releases: readonly Release[];
  /** Environment to change; the first one in promotion order when omitted. */
  environment?: string;
}

/** What planImageUpdate returns. */
export interface ImageUpdatePlan {
  environment: string;
  /** The releases planned: the newest of each image (see newestReleases), for the PR's texts and metadata. */
  releases: Release[];
  changeSet: { edits: FileModification[]; changes: ImageChange[]; warnings: Warning[] };
}

/** Picks the environment to change, or throws PlanError naming the known ones. */
export function resolveEnvironment(config: CourierConfig, name: string | undefined): string {
  if (name === undefined) return config.environments[0]!.name;
  if (config.environments.some((e) => e.name === name)) return name;
  const known = config.environments.map((e) => e.name).join(', ');
  throw new PlanError(`unknown environment "${name}": the config declares ${known}. Pass one of those to --env, or add "${name}" to environments in .github/courier.yml.`);
}

/** Plans the edits that bring every reference of the released images in one environment up to date. */
export function planImageUpdate(input: ImageUpdateInput): ImageUpdatePlan {
  const environment = resolveEnvironment(input.config, input.environment);
  // The model parses HelmRelease-only files on first use, which the planner never asks for.
  const model = buildRepoModel(input.files, input.paths);
  const warnings: Warning[] = [];
  const policies = buildPolicyResolver(model, input.config, warnings);
  const valid = input.releases.filter((release) => {
    const problem = releaseProblem(release);
    if (problem) warnings.push({ code: 'invalid-release', message: `${problem}; the release was ignored` });
    return problem === undefined;
  });
  const releases = newestReleases(valid, (repository) => policies.forRepository(repository) ?? defaultReleasePolicy());
  const texts = new Map(input.files.map((f) => [f.path, f.text]));
  const changes: ImageChange[] = [];
  // Screened once for all releases: edits change tags, never the names the screen looks for.
  const screen = releaseScreen(releases);
  const candidates = new Map<string, RepoFile[]>();
  for (const file of input.files) {
    if (isSourceIgnoreFile(file.path)) continue; // ignore rules, not a manifest
    for (const release of screen(file.text)) {
      const list = candidates.get(release.repository);
      if (list) list.push(file);
      else candidates.set(release.repository, [file]);
    }
  }

  const deployment = deployedFiles(model);
  const undeployed = new Set<string>();

  for (const release of releases) {
    const ctx = { release, policies, defaultPolicy: defaultReleasePolicy(), legacyPolicy: policyFromLegacyFilter };
    const variables: VariableUse[] = [];
    const sharedNotes: Warning[] = [];
    const before = changes.length;
    for (const file of candidates.get(release.repository) ?? []) {
      const text = texts.get(file.path)!;
      const where = membership(file.path, model, input.config);
      const inEnvironment = where.env === environment;
      if (!inEnvironment && !where.sharedBy?.includes(environment)) continue;
      const update = updateImageReferences({ path: file.path, text }, ctx);
      if (deployment.known && !deployment.deployed.has(file.path)) {
        // No cluster runs this file (an archive folder): a bump would be noise in the PR.
        if (update.changes.length > 0 || update.variables.length > 0) undeployed.add(file.path);
        continue;
      }
      variables.push(...update.variables);
      if (inEnvironment) {
        accept(update, file.path);
      } else {
        sharedNotes.push(...update.warnings);
        if (update.changes.length > 0) sharedNotes.push(sharedFileWarning(file.path, update, where.sharedBy!));
      }
    }
    const resolved = applyVariableUses({ variables, release, environment, model, config: input.config, texts, policies });
    changes.push(...resolved.changes);
    warnings.push(...resolved.warnings);
    // A shared base whose tag the environment's Kustomize `images:` override is not news; any other
    // shared reference still runs the old image in this environment, so the user must hear of it.
    const overridden = changes.slice(before).some((c) => /^(spec\.)?images\[/.test(c.field));
    if (!overridden) warnings.push(...sharedNotes);
  }

  function accept(update: FileUpdate, path: string): void {
    texts.set(path, update.text);
    changes.push(...update.changes);
    warnings.push(...update.warnings);
  }

  if (undeployed.size > 0) warnings.push(undeployedWarning([...undeployed].sort()));
  // Read last: the model adds the warnings of files it reads on demand (kustomization files).
  const all = [...model.warnings, ...warnings];
  return { environment, releases, changeSet: { edits: editsOf(input.files, texts), changes: sortChanges(changes), warnings: dedupe(all) } };
}

function sharedFileWarning(path: string, update: FileUpdate, sharedBy: readonly string[]): Warning {
  const first = update.changes[0]!;
  return {
    code: 'shared-file',
    file: path,
    line: first.line,
    field: first.field,
    message: `${path} is deployed by environments ${sharedBy.join(', ')}, so bumping it here would change all of them at once; Courier left it alone. Move the tag into per-environment overlays or cluster postBuild variables, or use a staged rollout.`,
  };
}

/** One note per run for every file left alone because nothing deploys it. */
function undeployedWarning(paths: readonly string[]): Warning {
  const count = paths.length === 1 ? '1 file references' : `${paths.length} files reference`;
  return {
    code: 'not-deployed',
    message: `${count} released images but no Flux Kustomization of this repository applies ${paths.length === 1 ? 'it' : 'them'}, so Courier left ${paths.length === 1 ? 'it' : 'them'} alone: ${paths.join(', ')}. Add ${paths.length === 1 ? 'it' : 'them'} to a Kustomization (spec.path or kustomization.yaml resources) if a cluster should run ${paths.length === 1 ? 'it' : 'them'}.`,
  };
}

function editsOf(files: readonly RepoFile[], texts: ReadonlyMap<string, string>): FileModification[] {
  const edits: FileModification[] = [];
  for (const file of files) {
    const after = texts.get(file.path)!;
    if (after !== file.text) edits.push({ path: file.path, before: file.text, after });
  }
  return edits.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function sortChanges(changes: ImageChange[]): ImageChange[] {
  return changes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}

/** The model and the rewriters may both report one broken file; say it once. */
function dedupe(warnings: readonly Warning[]): Warning[] {
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const key = `${w.code}\0${w.file ?? ''}\0${w.line ?? ''}\0${w.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
