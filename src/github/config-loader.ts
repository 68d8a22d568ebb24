/**
 * Loads `.github/courier.yml` with Probot's `context.config` semantics (`@probot/octokit-plugin-config`):
 * the repository's file, else the organisation's `.github` repository; `_extends` followed; the chain
 * deep-merged, a list written in the extending file replacing the inherited one
 * (`courierConfigMergeOptions`). An invalid config yields problems and no config, so nothing from it is
 * ever half-applied.
 */
import type { ProbotOctokit } from 'probot';
import type { AppDeps, CourierConfigLike } from '../app-deps.ts';
import { CONFIG_PATH, courierConfigMergeOptions, type ConfigProblem } from '../core/config/index.ts';

/** The outcome of loading a repository's config. */
export type LoadedConfig =
  | { status: 'missing' }
  | { status: 'invalid'; problems: ConfigProblem[] }
  | { status: 'valid'; config: CourierConfigLike };

/** Loads and validates the config of `owner/repo` at `ref` (default branch when absent). */
export async function loadConfig(
  octokit: ProbotOctokit,
  deps: Pick<AppDeps, 'validateConfig'>,
  where: { owner: string; repo: string; ref?: string },
): Promise<LoadedConfig> {
  let result;
  try {
    result = await octokit.config.get({
      owner: where.owner,
      repo: where.repo,
      path: CONFIG_PATH,
      branch: where.ref,
      // The plugin's own default is a shallow Object.assign; context.config deep-merges.
      defaults: (configs) => configs.reduce(mergeConfig, {}),
    });
  } catch (error) {
    const problem = pluginProblem(error);
    if (problem) return { status: 'invalid', problems: [problem] };
    throw error;
  }
  if (!result.files.some((file) => file.config !== null)) return { status: 'missing' };
  const validation = deps.validateConfig(result.config);
  return validation.ok ? { status: 'valid', config: validation.config } : { status: 'invalid', problems: validation.problems };
}

/** deepmerge's rule as `context.config` applies it: objects merge key by key, anything else is replaced. */
function mergeConfig(inherited: Record<string, unknown>, own: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...inherited };
  for (const [key, value] of Object.entries(own)) {
    const base = inherited[key];
    if (Array.isArray(base) && Array.isArray(value)) merged[key] = courierConfigMergeOptions.arrayMerge(base, value);
    else merged[key] = isPlainObject(base) && isPlainObject(value) ? mergeConfig(base, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The plugin throws plain Errors for YAML syntax and `_extends` mistakes: those are the user's to fix.
 * Only the first line of a YAML error is kept: the rest quotes the file, and a pull request's config
 * can `_extends` any file the installation may read, so quoting it would publish that file's lines.
 */
function pluginProblem(error: unknown): ConfigProblem | undefined {
  if (!(error instanceof Error) || !error.message.startsWith('[@probot/octokit-plugin-config]')) return undefined;
  const message = error.message.replace('[@probot/octokit-plugin-config] ', '');
  const cause = (error as { cause?: { linePos?: Array<{ line: number }>; message?: string } }).cause;
  const line = cause?.linePos?.[0]?.line;
  const reason = cause?.message?.split('\n')[0]?.replace(/:$/, '');
  const problem: ConfigProblem = { path: '', message: reason ? `${message}: ${reason}` : message };
  if (line !== undefined) problem.line = line;
  return problem;
}
