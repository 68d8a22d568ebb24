/**
 * Local mode's view of a repository: the committed files at HEAD, Courier's config from
 * `.github/courier.yml` (or the default, said clearly), and the templates with the repo's overrides.
 */
import { statSync } from 'node:fs';
import { imageTemplatesFor } from '../builtin-templates.ts';
import { CONFIG_PATH, defaultConfig, parseCourierConfig, type CourierConfig } from '../core/config/index.ts';
import type { ImageTemplates } from '../core/image-update/image-proposal-view.ts';
import type { RepoFile } from '../core/repo-model/repo-file.ts';
import type { Warning } from '../core/proposal/change.ts';
import type { PlanInputScreen } from '../core/image-update/plan-input-screen.ts';
import { checkoutStatus, isPlanInput, locateCheckout, readTree, YAML_PATHSPECS, type CheckoutState } from '../git/local-repo.ts';
import { relative } from 'node:path';

/** Where the config lives, as PRODUCT.md fixes it. */

/** A user-facing error of the local mode: one paragraph that names the problem and the fix. */
export class LocalModeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalModeError';
  }
}

/** A repository loaded for planning. */
export interface LocalRepo {
  /** The repository root (where --repo pointed, or the root above it). */
  dir: string;
  /** Lines saying what was read and what was ignored, for the CLI to print. */
  notes: string[];
  files: RepoFile[];
  /** Every plan-input path at HEAD, also those a screen left unread (equal to the files' paths without one). */
  paths: string[];
  skipped: Warning[];
  config: CourierConfig;
  /** True when no config file exists and the default (one environment) is used. */
  defaulted: boolean;
  templates: ImageTemplates;
  /** The committed `*.hbs` files, for jobs that load their own templates (overrides come from here). */
  templateFiles: RepoFile[];
  /** Every file loaded (with `include`, all that it admitted; SOPS jobs read any text file). */
  loaded: RepoFile[];
}

/**
 * Reads HEAD's files, the config and the templates; throws LocalModeError for an invalid config.
 * With `screen` (a job that knows what it can use, e.g. imagePlanInputScreen), YAML files it does not
 * keep are left unread; the config and templates are always read.
 */
export async function loadLocalRepo(dir: string, options: { screen?: PlanInputScreen; include?: (path: string) => boolean } = {}): Promise<LocalRepo> {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new LocalModeError(`${dir} is not a directory: pass the folder of a git checkout to --repo, e.g. --repo .`);
  }
  const wanted = options.include;
  const include = (p: string): boolean => isPlanInput(p) || p.endsWith('.hbs') || (wanted?.(p) ?? false);
  const core = options.screen;
  const screen = core && { byPath: (p: string) => p === CONFIG_PATH || p.endsWith('.hbs') || core.byPath(p), tokens: core.tokens, pathspecs: YAML_PATHSPECS };
  // git answers the checkout questions while the tree is read: `status` walks the whole worktree.
  const status = checkoutStatus(dir);
  status.catch(() => undefined); // the location's error, if any, is the one shown
  const { root, head } = await locateCheckout(dir);
  const tree = readTree(root, head, { include, ...(screen ? { screen } : {}) });
  tree.catch(() => undefined); // awaited below, after the status (whose error comes first)
  const checkout: CheckoutState = { root, head, ...(await status) };
  const { files, paths, skipped } = await tree;
  const yaml = files.filter((f) => isPlanInput(f.path));
  const configFile = files.find((f) => f.path === CONFIG_PATH);
  let config: CourierConfig;
  if (configFile) {
    const parsed = parseCourierConfig(configFile.text, CONFIG_PATH);
    if (!parsed.ok) {
      const problems = parsed.problems.map((p) => `${CONFIG_PATH}${p.line ? `:${p.line}` : ''} ${p.path || '(root)'}: ${p.message}`);
      throw new LocalModeError(`invalid configuration, nothing was changed:\n  ${problems.join('\n  ')}\nFix these entries in ${CONFIG_PATH} (the schema is schema/courier-config.schema.json) and run again.`);
    }
    config = parsed.config;
  } else {
    config = defaultConfig();
  }
  const templates = imageTemplatesFor(files, config.pullRequests.templates);
  const templateFiles = files.filter((f) => f.path.endsWith('.hbs'));
  return { dir: root, notes: checkoutNotes(dir, checkout, !configFile), files: yaml, paths: paths.filter(isPlanInput), loaded: files, skipped, config, defaulted: !configFile, templates, templateFiles };
}

/** What was read (root, committed HEAD) and what was ignored (uncommitted changes, an uncommitted config). */
function checkoutNotes(dir: string, checkout: CheckoutState, defaulted: boolean): string[] {
  const sub = relative(checkout.root, dir).split('\\').join('/');
  const where = sub && sub !== '.' ? ` (the repository root; --repo pointed at its subfolder ${sub}, and Courier works on the whole repository)` : '';
  const notes = [`read: committed HEAD ${checkout.head.slice(0, 12)}${checkout.branch ? ` (${checkout.branch})` : ''} of ${checkout.root}${where}`];
  const changed = checkout.uncommitted;
  if (changed.length > 0) {
    const shown = changed.length > 10 ? `${changed.slice(0, 10).join(', ')}, …` : changed.join(', ');
    const count = changed.length === 1 ? '1 uncommitted change' : `${changed.length} uncommitted changes`;
    notes.push(`ignored: ${count} (${shown}); Courier reads committed files only, so commit them to include them`);
  }
  if (changed.some((p) => p === CONFIG_PATH || (p.endsWith('/') && CONFIG_PATH.startsWith(p)))) {
    notes.push(`ignored: ${CONFIG_PATH} has uncommitted changes; ${defaulted ? 'no version of it is committed, so the default configuration (one environment holding every file) was used' : 'the committed version was used'}`);
  }
  return notes;
}
