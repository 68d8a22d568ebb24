/**
 * `courier demo`: copies the example fleet into a temporary git repository and runs Courier's main
 * job on it — a plan, then bumps that create branches — so anyone can see the local mode in a minute.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit } from 'simple-git';
import { localGitEnv } from '../git/local-repo.ts';
import { formatImageUpdate } from './format-result.ts';
import { runImageUpdate } from './run-image-update.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/fleet', import.meta.url));
const IDENTITY = { GIT_AUTHOR_NAME: 'Example', GIT_AUTHOR_EMAIL: 'example@localhost', GIT_COMMITTER_NAME: 'Example', GIT_COMMITTER_EMAIL: 'example@localhost' };

/** Creates a git repository holding the example fleet, one commit on `main`; returns its path. */
export async function createExampleRepo(into?: string): Promise<string> {
  const dir = into ?? mkdtempSync(join(tmpdir(), 'courier-demo-'));
  cpSync(EXAMPLE, dir, { recursive: true });
  const git = simpleGit({ baseDir: dir }).env(localGitEnv(IDENTITY));
  await git.init(['--initial-branch=main', '--quiet']);
  await git.add('.');
  await git.commit('Example fleet', undefined, { '--quiet': null });
  return dir;
}

/** Runs the demo and returns what to print. */
export async function runDemo(write: (text: string) => void): Promise<void> {
  const dir = await createExampleRepo();
  write(`Example fleet copied to ${dir} (a git repository on branch main).\n\n`);
  write('$ courier plan --repo <dir> --image ghcr.io/stefanprodan/podinfo:6.6.0\n');
  write(formatImageUpdate(await runImageUpdate({ dir, image: 'ghcr.io/stefanprodan/podinfo:6.6.0', write: false }), 'plan'));
  for (const image of ['ghcr.io/stefanprodan/podinfo:6.6.0', 'ghcr.io/acme/webapp:1.5.0', 'ghcr.io/acme/webapp:2.0.0']) {
    write(`\n$ courier bump --repo <dir> --image ${image}\n`);
    const result = await runImageUpdate({ dir, image, write: true });
    write(result.branch ? `created ${result.branch.name} (${result.proposal.title})\n` : formatImageUpdate(result, 'bump'));
  }
  const branches = await simpleGit({ baseDir: dir }).env(localGitEnv()).raw(['branch', '--list', '--format=%(refname:short) %(objectname:short) %(subject)']);
  write(`\nBranches now in ${dir}:\n${branches.replace(/^/gm, '  ').trimEnd()}\n`);
  write(`\nTry it yourself: npx courier plan --repo ${dir} --image docker.io/bitnami/redis:7.2.5-debian-12-r0 --env prod\n`);
}
