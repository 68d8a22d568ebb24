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
import { isYamlish, readTree } from '../git/local-repo.ts';

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
  dir: string;
  files: RepoFile[];
  skipped: Warning[];
  config: CourierConfig;
  /** True when no config file exists and the default (one environment) is used. */
  defaulted: boolean;
  templates: ImageTemplates;
}

/** Reads HEAD's files, the config and the templates; throws LocalModeError for an invalid config. */
export async function loadLocalRepo(dir: string): Promise<LocalRepo> {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new LocalModeError(`${dir} is not a directory: pass the folder of a git checkout to --repo, e.g. --repo .`);
  }
  const { files, skipped } = await readTree(dir, 'HEAD', { include: (p) => isYamlish(p) || p.endsWith('.hbs') });
  const yaml = files.filter((f) => isYamlish(f.path));
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
  return { dir, files: yaml, skipped, config, defaulted: !configFile, templates };
}
