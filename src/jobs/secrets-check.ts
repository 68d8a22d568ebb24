/**
 * The `courier/secrets` check run on a pull request's head (issue 10, point 4): the same lint as
 * `courier secrets-lint` over the head's files — plaintext a `.sops.yaml` rule says must be encrypted,
 * a missing recipient, a MAC that does not verify (where Courier holds a key), a decrypted copy about
 * to be committed, overlapping rules — one annotation per finding with file and line. Findings never
 * carry a value. Neutral when the repository has no `.sops.yaml`: there is nothing to hold it to.
 */
import type { JobTarget } from '../app-deps.ts';
import { lintSecrets, type AgeIdentity, type SecretsFinding } from '../core/sops/index.ts';
import type { CloneCache } from '../git/clone-cache.ts';
import { createCheckRun, updateCheckRun, type CheckRunAnnotation } from '../github/check-runs.ts';
import { fromOctokit, type OctokitLike } from '../github/github-client.ts';
import { repoHandleOf } from './job-runner.ts';

export const SECRETS_CHECK_NAME = 'courier/secrets';
const MAX_ANNOTATIONS = 50; // per request (GitHub's limit)

/** What the check needs. */
export interface SecretsCheckDeps {
  cloneCache: CloneCache;
  /** Courier's age identities (SOPS_AGE_KEY / SOPS_AGE_KEY_FILE of the App), to verify MACs. */
  identities(): Promise<AgeIdentity[]>;
  now(): Date;
}

/** The pull request to check: its head commit and a ref the base repository can fetch it by. */
export interface PullRequestHead {
  number: number;
  sha: string;
  /** The head branch for a same-repository PR, `refs/pull/<n>/head` for a fork. */
  ref: string;
}

/** Runs the lint on the PR head and writes the check run; returns the findings. */
export async function checkSecrets(target: JobTarget, pr: PullRequestHead, deps: SecretsCheckDeps): Promise<SecretsFinding[]> {
  const handle = repoHandleOf(target);
  const { files, sha } = await deps.cloneCache.withCheckout(handle, pr.ref, async (checkout) => ({ files: (await checkout.readFiles()).files, sha: checkout.sha }));
  const gh = fromOctokit(target.octokit as unknown as OctokitLike);
  const repo = { owner: target.owner, repo: target.repo };
  const completed = { status: 'completed' as const, completed_at: deps.now().toISOString() };
  if (sha !== pr.sha) return []; // the branch moved on: the synchronize event of the newer head checks that one
  if (!files.some((f) => /(^|\/)\.sops\.ya?ml$/.test(f.path))) {
    await createCheckRun(gh, repo, { name: SECRETS_CHECK_NAME, head_sha: pr.sha, ...completed, conclusion: 'neutral', output: { title: 'No .sops.yaml', summary: 'This repository has no `.sops.yaml`, so no creation rule says which files must be encrypted.' } });
    return [];
  }
  const identities = await deps.identities();
  const findings = await lintSecrets({ files, identities });
  const errors = findings.filter((f) => f.severity === 'error');
  const title = errors.length === 0 ? 'Secrets are encrypted as the rules say' : `${errors.length} secrets problem${errors.length === 1 ? '' : 's'}`;
  const summary = [
    errors.length === 0 ? 'Every file a `.sops.yaml` creation rule covers is encrypted for its recipients.' : 'Files that would put secrets in Git in the clear, or that a cluster could not decrypt:',
    '',
    ...findings.map((f) => `- \`${f.file}${f.line ? `:${f.line}` : ''}\` ${f.severity}: ${f.message}`),
    ...(identities.length === 0 ? ['', 'Courier holds no age key here (SOPS_AGE_KEY / SOPS_AGE_KEY_FILE of the App), so MACs were not verified.'] : []),
  ].join('\n');
  const annotations: CheckRunAnnotation[] = findings.map((f) => ({
    path: f.file,
    start_line: f.line ?? 1,
    end_line: f.line ?? 1,
    annotation_level: f.severity === 'error' ? 'failure' : 'notice',
    title: f.kind,
    message: f.message,
  }));
  const output = (batch: CheckRunAnnotation[]) => ({ title, summary: summary.slice(0, 60_000), annotations: batch });
  const id = await createCheckRun(gh, repo, { name: SECRETS_CHECK_NAME, head_sha: pr.sha, ...completed, conclusion: errors.length === 0 ? 'success' : 'failure', output: output(annotations.slice(0, MAX_ANNOTATIONS)) });
  for (let i = MAX_ANNOTATIONS; i < annotations.length; i += MAX_ANNOTATIONS) {
    await updateCheckRun(gh, repo, id, { ...completed, conclusion: errors.length === 0 ? 'success' : 'failure', output: output(annotations.slice(i, i + MAX_ANNOTATIONS)) });
  }
  return findings;
}
