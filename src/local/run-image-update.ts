/**
 * The local-repository mode of an image update: plan on HEAD's files, render the proposal, and for
 * `bump` write it (through the local write path) as one commit on a `courier/…` branch without touching HEAD or the working tree.
 */
import { createTwoFilesPatch } from 'diff';
import { buildImageProposal } from '../core/image-update/image-proposal.ts';
import { InvalidImageRefError, parseImageRef } from '../core/image-update/image-ref.ts';
import { planImageUpdate, PlanError } from '../core/image-update/plan-image-update.ts';
import { imagePlanInputScreen } from '../core/image-update/plan-input-screen.ts';
import type { Proposal } from '../core/proposal/proposal.ts';
import type { Release } from '../core/image-update/release.ts';
import type { Warning } from '../core/proposal/change.ts';
import type { ForeignCommit } from '../git/local-repo.ts';
import { publishLocal } from './publish-local.ts';
import { loadLocalRepo, LocalModeError } from './load-local-repo.ts';

/** Input of runImageUpdate. */
export interface LocalImageUpdate {
  dir: string;
  image: string;
  environment?: string;
  digest?: string;
  /** Write the branch (bump) or only show the plan. */
  write: boolean;
  /** Commit date, for reproducible commits. */
  date?: Date;
  /** Replace a courier/ branch even when it holds commits Courier did not write. */
  force?: boolean;
}

/** What the local run did, for the CLI to print. */
export interface LocalImageUpdateResult {
  release: Release;
  environment: string;
  /** True when no `.github/courier.yml` exists and every file is one environment. */
  defaultedConfig: boolean;
  proposal: Proposal;
  diff: string;
  warnings: Warning[];
  /** What was read and what was ignored (repository root, committed HEAD, uncommitted changes). */
  notes: string[];
  branch?: { name: string; commit: string; action: 'created' | 'updated' | 'replaced'; discarded: ForeignCommit[] };
}

/** Parses `--image repo:tag[@digest]` into a release, or throws LocalModeError saying what is wrong. */
function releaseFromImage(image: string, digest?: string): Release {
  try {
    const ref = parseImageRef(image);
    if (!ref.tag) throw new LocalModeError(`--image ${image} has no tag: give the released tag, e.g. --image ${ref.name}:1.2.3`);
    const release: Release = { repository: ref.repository, tag: ref.tag };
    const d = digest === undefined ? ref.digest : digestOption(digest, ref.name, ref.digest);
    if (d) release.digest = d;
    return release;
  } catch (err) {
    if (err instanceof InvalidImageRefError) throw new LocalModeError(`${err.message}. Give a reference like ghcr.io/acme/app:1.2.3.`);
    throw err;
  }
}

/** Checks `--digest` as the reference grammar does, and that it agrees with a digest in `--image`. */
function digestOption(digest: string, name: string, inImage: string | undefined): string {
  let parsed: string | undefined;
  try {
    parsed = parseImageRef(`${name}@${digest}`).digest;
  } catch (err) {
    if (!(err instanceof InvalidImageRefError)) throw err;
  }
  if (parsed === undefined) throw new LocalModeError(`--digest ${digest} is not a digest: give it as sha256: followed by 64 lowercase hex characters`);
  if (inImage !== undefined && inImage !== parsed) throw new LocalModeError(`--digest ${digest} differs from the digest in --image (${inImage}): give the digest once`);
  return parsed;
}

/** Plans (and with `write`, commits) an image update in a local repository. */
export async function runImageUpdate(req: LocalImageUpdate): Promise<LocalImageUpdateResult> {
  const release = releaseFromImage(req.image, req.digest);
  // Only the files that can matter to this release are loaded (issue 12: a 50k-file fleet's other files never reach Node).
  const repo = await loadLocalRepo(req.dir, { screen: imagePlanInputScreen([release]) });
  let plan;
  try {
    plan = planImageUpdate({ files: repo.files, paths: repo.paths, config: repo.config, releases: [release], ...(req.environment ? { environment: req.environment } : {}) });
  } catch (err) {
    if (err instanceof PlanError) throw new LocalModeError(err.message);
    throw err;
  }
  const proposal = buildImageProposal({ plan, config: repo.config, templates: repo.templates });
  // git-style headers: drop jsdiff's "=====" separator line.
  const diff = plan.changeSet.edits
    .map((e) => createTwoFilesPatch(`a/${e.path}`, `b/${e.path}`, e.before, e.after, undefined, undefined, { context: 3 }).replace(/^=+\n/, ''))
    .join('');
  const result: LocalImageUpdateResult = {
    release,
    environment: plan.environment,
    defaultedConfig: repo.defaulted,
    proposal,
    diff,
    warnings: [...repo.skipped, ...plan.changeSet.warnings],
    notes: repo.notes,
  };
  const written = req.write ? await publishLocal(repo.dir, proposal, { ...(req.date ? { date: req.date } : {}), ...(req.force ? { force: true } : {}) }) : undefined;
  if (written) result.branch = { name: written.branch, commit: written.commit, action: written.action, discarded: written.discarded };
  return result;
}
