/**
 * Loads `.github/courier.yml` with Probot's config semantics (`@probot/octokit-plugin-config`): the
 * repository's file, else the organisation's `.github` repository; `_extends` followed. Top-level keys
 * of a file replace those of the file it extends. An invalid config yields problems and no config, so
 * nothing from it is ever half-applied.
 */
import type { ProbotOctokit } from 'probot';
import type { AppDeps, ConfigProblem, CourierConfigLike } from '../app-deps.ts';

/** Where Courier's config lives in a repository. */
export const CONFIG_PATH = '.github/courier.yml';

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
    result = await octokit.config.get({ owner: where.owner, repo: where.repo, path: CONFIG_PATH, branch: where.ref });
  } catch (error) {
    const problem = pluginProblem(error);
    if (problem) return { status: 'invalid', problems: [problem] };
    throw error;
  }
  if (!result.files.some((file) => file.config !== null)) return { status: 'missing' };
  const validation = deps.validateConfig(result.config);
  return validation.ok ? { status: 'valid', config: validation.config } : { status: 'invalid', problems: validation.problems };
}

/** The plugin throws plain Errors for YAML syntax and `_extends` mistakes: those are the user's to fix. */
function pluginProblem(error: unknown): ConfigProblem | undefined {
  if (!(error instanceof Error) || !error.message.startsWith('[@probot/octokit-plugin-config]')) return undefined;
  const message = error.message.replace('[@probot/octokit-plugin-config] ', '');
  const cause = (error as { cause?: { linePos?: Array<{ line: number }>; message?: string } }).cause;
  const line = cause?.linePos?.[0]?.line;
  const problem: ConfigProblem = { path: '', message: cause?.message ? `${message}: ${cause.message}` : message };
  if (line !== undefined) problem.line = line;
  return problem;
}
