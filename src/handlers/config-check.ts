/**
 * `push` to the default branch and `pull_request` opened/synchronize/reopened that touch
 * `.github/courier.yml` → a `courier/config` check run on the head commit: success, or failure listing
 * every problem with its path and line (as annotations on the config file).
 */
import type { Context, ProbotOctokit } from 'probot';
import type { AppDeps, AppLog } from '../app-deps.ts';
import type { ConfigProblem } from '../core/config/index.ts';
import { CONFIG_PATH } from '../core/config/index.ts';
import { loadConfig } from '../github/config-loader.ts';
import { createCheckRun } from '../github/check-runs.ts';
import { fromOctokit, type GitHubClient, type OctokitLike } from '../github/github-client.ts';
import { readRepoFile } from '../github/repo-file.ts';
import { lineOfField } from './config-lines.ts';
import type { InstallationCache } from './installation-cache.ts';

/** The check run's name; stable, users make it required in branch protection. */
export const CONFIG_CHECK_NAME = 'courier/config';
/** GitHub accepts at most 50 annotations per request. */
const MAX_ANNOTATIONS = 50;

type Deps = Pick<AppDeps, 'validateConfig' | 'now'>;

/** Handles `push`: checks the config when a push to the default branch changed it (and forgets the cached one). */
export async function checkConfigOnPush(context: Context<'push'>, deps: Deps, cache?: InstallationCache): Promise<void> {
  const { payload } = context;
  if (payload.deleted || payload.ref !== `refs/heads/${payload.repository.default_branch}`) return;
  const touched = payload.commits.some((commit) =>
    [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])].includes(CONFIG_PATH),
  );
  const owner = payload.repository.owner?.login;
  if (!touched || !owner) return;
  const installationId = payload.installation?.id;
  if (cache && installationId !== undefined) {
    // The organisation's `.github` repository holds the defaults of every repository.
    if (payload.repository.name === '.github') cache.forgetInstallation(installationId);
    else cache.forgetConfig(installationId, owner, payload.repository.name);
  }
  await checkConfigAt(context.octokit, deps, { owner, repo: payload.repository.name, sha: payload.after }, context.log);
}

/** Handles `pull_request`: checks the config when the pull request changes it. */
export async function checkConfigOnPullRequest(context: Context<'pull_request'>, deps: Deps): Promise<void> {
  const { payload } = context;
  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  const files = await context.octokit.paginate(context.octokit.rest.pulls.listFiles, {
    owner,
    repo,
    pull_number: payload.pull_request.number,
    per_page: 100,
  });
  if (!files.some((file) => file.filename === CONFIG_PATH || file.previous_filename === CONFIG_PATH)) return;
  // Commits of fork PRs are readable through the base repository, where the check run belongs.
  await checkConfigAt(context.octokit, deps, { owner, repo, sha: payload.pull_request.head.sha }, context.log);
}

/** Validates the config at `sha` and reports it as a completed check run on that commit. */
async function checkConfigAt(
  octokit: ProbotOctokit,
  deps: Deps,
  at: { owner: string; repo: string; sha: string },
  log: Pick<AppLog, 'info'>,
): Promise<void> {
  const loaded = await loadConfig(octokit, deps, { owner: at.owner, repo: at.repo, ref: at.sha });
  const gh = githubClient(octokit);
  const base = {
    name: CONFIG_CHECK_NAME,
    head_sha: at.sha,
    status: 'completed' as const,
    completed_at: deps.now().toISOString(),
  };
  if (loaded.status !== 'invalid') {
    const summary =
      loaded.status === 'missing'
        ? `No \`${CONFIG_PATH}\` here: Courier has nothing to do in this repository.`
        : `\`${CONFIG_PATH}\` is valid.`;
    await createCheckRun(gh, at, { ...base, conclusion: 'success', output: { title: 'Courier config is valid', summary } });
    log.info(`${CONFIG_CHECK_NAME} on ${at.owner}/${at.repo}@${at.sha}: success (${loaded.status})`);
    return;
  }
  const problems = await withLines(octokit, at, loaded.problems);
  const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  const summary = [
    `\`${CONFIG_PATH}\` is invalid (${count}); Courier uses nothing from it until it is fixed.`,
    '',
    ...problems.map((p) => `- ${p.path ? `\`${p.path}\`` : '(file)'}${p.line ? ` (line ${p.line})` : ''}: ${p.message}`),
  ].join('\n');
  const annotations = problems
    .filter((p): p is ConfigProblem & { line: number } => p.line !== undefined)
    .slice(0, MAX_ANNOTATIONS)
    .map((p) => ({
      path: CONFIG_PATH,
      start_line: p.line,
      end_line: p.line,
      annotation_level: 'failure' as const,
      title: p.path || CONFIG_PATH,
      message: p.message,
    }));
  await createCheckRun(gh, at, {
    ...base,
    conclusion: 'failure',
    output: { title: `Courier config: ${count}`, summary, annotations },
  });
  log.info(`${CONFIG_CHECK_NAME} on ${at.owner}/${at.repo}@${at.sha}: failure (${count})`);
}

/** Fills in missing lines from the repository's own file; a field that comes from `_extends` keeps none. */
async function withLines(
  octokit: ProbotOctokit,
  at: { owner: string; repo: string; sha: string },
  problems: ConfigProblem[],
): Promise<ConfigProblem[]> {
  if (problems.every((p) => p.line !== undefined || p.path === '')) return problems;
  const text = await readRepoFile(githubClient(octokit), at, CONFIG_PATH, at.sha);
  if (text === undefined) return problems;
  return problems.map((p) => {
    if (p.line !== undefined || p.path === '') return p;
    const line = lineOfField(text, p.path);
    return line === undefined ? p : { ...p, line };
  });
}

function githubClient(octokit: ProbotOctokit): GitHubClient {
  return fromOctokit(octokit as unknown as OctokitLike);
}
