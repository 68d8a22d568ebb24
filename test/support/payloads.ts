/**
 * Webhook payloads for the end-to-end tests and the benchmark, built from GitHub's real examples
 * (`@octokit/webhooks-examples`, and the GHCR-shaped `registry_package.published` fixture of the app
 * tests, typed by `@octokit/webhooks-types`), re-pointed at the fake's installation and repositories.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { CheckRunCompletedEvent, InstallationRepositoriesAddedEvent, IssueCommentCreatedEvent, PullRequestOpenedEvent, PullRequestReviewSubmittedEvent, PushEvent, RegistryPackagePublishedEvent, ReleasePublishedEvent, RepositoryDispatchEvent } from '@octokit/webhooks-types';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{ name: string; examples: unknown[] }>;

/** Re-points a payload at `owner/repo` (default branch main) of `installationId`. */
function pointAt<T extends { repository: { name: string; full_name: string; owner: { login: string }; default_branch?: string }; installation?: unknown }>(payload: T, owner: string, repo: string, installationId: number): T {
  payload.repository.name = repo;
  payload.repository.full_name = `${owner}/${repo}`;
  payload.repository.owner.login = owner;
  payload.repository.default_branch = 'main';
  (payload as { installation?: unknown }).installation = { id: installationId, node_id: `I_${installationId}` };
  return payload;
}

function example<T>(name: string, index = 0): T {
  const found = examples.find((e) => e.name === name)?.examples[index];
  if (!found) throw new Error(`no @octokit/webhooks-examples payload ${name}[${index}]`);
  return structuredClone(found) as T;
}

/** A GHCR `registry_package.published` of `ghcr.io/<owner>/<name>:<tag>`, sent to `installationId`. */
export function registryPackagePublished(owner: string, name: string, tag: string, installationId: number): RegistryPackagePublishedEvent {
  const payload = JSON.parse(readFileSync(new URL('../app/fixtures/registry_package.published.json', import.meta.url), 'utf8')) as RegistryPackagePublishedEvent;
  const pkg = payload.registry_package;
  pkg.name = name;
  pkg.namespace = owner;
  pkg.html_url = `https://github.com/orgs/${owner}/packages/container/package/${name}`;
  const version = pkg.package_version!;
  version.package_url = `ghcr.io/${owner}/${name}:${tag}`;
  version.installation_command = `docker pull ghcr.io/${owner}/${name}:${tag}`;
  version.container_metadata!.tag!.name = tag;
  payload.installation = { id: installationId, node_id: `I_${installationId}` };
  return payload;
}

/** A `repository_dispatch` of type `courier-image`. */
export function courierImageDispatch(client: { image: string; tag: string; digest?: string }, installationId: number): RepositoryDispatchEvent {
  const payload = example<RepositoryDispatchEvent>('repository_dispatch');
  payload.action = 'courier-image';
  payload.client_payload = client;
  payload.installation = { id: installationId, node_id: `I_${installationId}` };
  return payload;
}

/** A `push` to `owner/name`'s main that modified `files`, ending at `after`. */
export function pushTo(owner: string, name: string, after: string, files: string[], installationId: number): PushEvent {
  const payload = example<PushEvent>('push', 4);
  payload.ref = 'refs/heads/main';
  payload.after = after;
  payload.deleted = false;
  payload.repository.name = name;
  payload.repository.full_name = `${owner}/${name}`;
  payload.repository.default_branch = 'main';
  payload.repository.owner.login = owner;
  payload.commits = [{ ...payload.commits[0]!, id: after, added: [], removed: [], modified: files }];
  payload.installation = { id: installationId, node_id: `I_${installationId}` };
  return payload;
}

/** `installation_repositories.added` of `fullNames` to `installationId`. */
export function installationRepositoriesAdded(installationId: number, fullNames: string[]): InstallationRepositoriesAddedEvent {
  const payload = example<InstallationRepositoriesAddedEvent>('installation_repositories');
  payload.installation.id = installationId;
  payload.repositories_added = fullNames.map((fullName, i) => ({ id: 1000 + i, node_id: `R_${i}`, name: fullName.split('/')[1]!, full_name: fullName, private: true }));
  return payload;
}

/** A `release.published` of `owner/name` at `tag`, sent to `installationId`. */
export function releasePublished(owner: string, name: string, tag: string, installationId: number): ReleasePublishedEvent {
  const payload = examples.find((e) => e.name === 'release')!.examples.find((e) => (e as { action?: string }).action === 'published');
  if (!payload) throw new Error('no @octokit/webhooks-examples payload release.published');
  const event = structuredClone(payload) as ReleasePublishedEvent;
  event.release.tag_name = tag;
  event.release.draft = false;
  event.repository.name = name;
  event.repository.full_name = `${owner}/${name}`;
  event.repository.owner.login = owner;
  event.installation = { id: installationId, node_id: `I_${installationId}` };
  return event;
}

/** A `check_run.completed` of Courier's run `name` on `sha` in `owner/name`, with `conclusion`. */
export function checkRunCompleted(owner: string, repo: string, name: string, sha: string, conclusion: string, installationId: number): CheckRunCompletedEvent {
  const payload = example<CheckRunCompletedEvent>('check_run', 1);
  payload.check_run.name = name;
  payload.check_run.head_sha = sha;
  payload.check_run.status = 'completed';
  payload.check_run.conclusion = conclusion as CheckRunCompletedEvent['check_run']['conclusion'];
  return pointAt(payload, owner, repo, installationId);
}

/** A `repository_dispatch` of type `courier-promote`, optionally naming the target environment. */
export function courierPromoteDispatch(owner: string, repo: string, installationId: number, environment?: string): RepositoryDispatchEvent {
  const payload = example<RepositoryDispatchEvent>('repository_dispatch');
  payload.action = 'courier-promote';
  payload.client_payload = environment ? { environment } : {};
  return pointAt(payload, owner, repo, installationId);
}

/** A `repository_dispatch` of type `courier-rotate-keys` (starts a SOPS key rotation). */
export function courierRotateKeysDispatch(owner: string, repo: string, installationId: number): RepositoryDispatchEvent {
  const payload = example<RepositoryDispatchEvent>('repository_dispatch');
  payload.action = 'courier-rotate-keys';
  payload.client_payload = {};
  return pointAt(payload, owner, repo, installationId);
}

/** An `issue_comment.created` on issue (or PR) `number` of `owner/repo` by `login` with `body`. */
export function issueCommentCreated(owner: string, repo: string, number: number, login: string, body: string, installationId: number, opts: { bot?: boolean; id?: number; pullRequest?: boolean } = {}): IssueCommentCreatedEvent {
  const payload = example<IssueCommentCreatedEvent>('issue_comment');
  payload.action = 'created';
  payload.issue.number = number;
  // GitHub marks a comment on a pull request by `issue.pull_request`.
  if (opts.pullRequest) {
    const url = `https://api.github.com/repos/${owner}/${repo}/pulls/${number}`;
    payload.issue.pull_request = { url, html_url: `https://github.com/${owner}/${repo}/pull/${number}`, diff_url: `${url}.diff`, patch_url: `${url}.patch` } as IssueCommentCreatedEvent['issue']['pull_request'];
  } else {
    delete (payload.issue as { pull_request?: unknown }).pull_request;
  }
  payload.comment.body = body;
  payload.comment.id = opts.id ?? 900_000 + number;
  payload.comment.user.login = login;
  payload.comment.user.type = opts.bot ? 'Bot' : 'User';
  payload.comment.performed_via_github_app = null;
  return pointAt(payload, owner, repo, installationId);
}

/** A `pull_request_review.submitted` by `login` (`approved`, `changes_requested`, `commented`) on PR `number` from `head`. */
export function pullRequestReviewSubmitted(owner: string, repo: string, number: number, head: string, login: string, state: string, installationId: number): PullRequestReviewSubmittedEvent {
  const payload = example<PullRequestReviewSubmittedEvent>('pull_request_review');
  payload.action = 'submitted';
  payload.review.state = state as PullRequestReviewSubmittedEvent['review']['state'];
  payload.review.user.login = login;
  payload.pull_request.number = number;
  payload.pull_request.head.ref = head;
  return pointAt(payload, owner, repo, installationId);
}

/** A `pull_request.opened` of `head` (a branch of the same repository, at `sha`) into main. */
export function pullRequestOpened(owner: string, repo: string, number: number, head: string, sha: string, installationId: number): PullRequestOpenedEvent {
  const payload = example<PullRequestOpenedEvent>('pull_request');
  payload.action = 'opened';
  payload.number = number;
  payload.pull_request.number = number;
  payload.pull_request.head.ref = head;
  payload.pull_request.head.sha = sha;
  payload.repository.name = repo;
  payload.repository.full_name = `${owner}/${repo}`;
  payload.repository.owner.login = owner;
  payload.repository.default_branch = 'main';
  if (payload.pull_request.head.repo) payload.pull_request.head.repo.full_name = `${owner}/${repo}`;
  payload.installation = { id: installationId, node_id: `I_${installationId}` };
  return payload;
}
