/** Courier's built-in templates from the package's `templates/` folder, with a repository's overrides first. */
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadImageTemplates } from './core/image-update/image-proposal-view.ts';
import type { ImageTemplates } from './core/image-update/image-proposal-view.ts';
import type { RepoFile } from './core/repo-model/repo-file.ts';
import { loadPromotionTemplates } from './core/promotion/promotion-proposal.ts';
import { loadRolloutTemplates } from './core/rollout/rollout-proposal.ts';
import type { ProposalTemplates } from './core/proposal/template-engine.ts';

/**
 * The package's `templates/`: the nearest one above this module, which sits in `src/`, in `dist/`
 * (the App's compiled layout) or in a chunk of the bundled CLI (`dist/cli/`).
 */
const TEMPLATES_DIR = (() => {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    const candidate = new URL('templates/', dir);
    if (existsSync(new URL('image-pr-title.hbs', candidate))) return candidate;
    if (new URL('..', dir).href === dir.href) return pathToFileURL(`${process.cwd()}/templates/`);
  }
})();

/** The text of a built-in template, or undefined when there is no such file. */
export function readBuiltinTemplate(name: string): string | undefined {
  try {
    return readFileSync(new URL(name, TEMPLATES_DIR), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Compiles the image templates: `<overrides>/<name>` from the repository's files when present, else the built-in one. */
export function imageTemplatesFor(files: readonly RepoFile[], overrides: string | undefined): ImageTemplates {
  const byPath = new Map(files.map((f) => [f.path, f.text]));
  return loadImageTemplates((name) => (overrides ? byPath.get(posix.join(overrides, name)) : undefined) ?? readBuiltinTemplate(name));
}

/** Compiles the promotion templates, repository overrides first (as for images). */
export function promotionTemplatesFor(files: readonly RepoFile[], overrides: string | undefined): ProposalTemplates {
  const byPath = new Map(files.map((f) => [f.path, f.text]));
  return loadPromotionTemplates((name) => (overrides ? byPath.get(posix.join(overrides, name)) : undefined) ?? readBuiltinTemplate(name));
}

/** Compiles the rollout templates, repository overrides first (as for images). */
export function rolloutTemplatesFor(files: readonly RepoFile[], overrides: string | undefined): ProposalTemplates {
  const byPath = new Map(files.map((f) => [f.path, f.text]));
  return loadRolloutTemplates((name) => (overrides ? byPath.get(posix.join(overrides, name)) : undefined) ?? readBuiltinTemplate(name));
}
