/** `courier` command line: the local-repository mode, wiring only. */
import { Command, CommanderError } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// The engine is imported by each command when it runs, so `--help` and `--version` load only this file
// and commander (issue 12: `courier --help` within 0.3 s).

/** Where the CLI writes text: process.stdout/stderr, or a collector in tests. */
export interface TextSink {
  write(text: string): unknown;
}

interface ImageOptions {
  repo: string;
  image: string;
  env?: string;
  digest?: string;
  force?: boolean;
}

/** The package version, from the nearest package.json above this module (source or compiled layout). */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (dirname(dir) === dir) return 'unknown';
  }
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], out: TextSink = process.stdout, err: TextSink = process.stderr, env: Record<string, string | undefined> = process.env): Promise<number> {
  let exitCode = 0;
  const program = new Command('courier')
    .description('Courier local mode: the same engine as the GitHub App, against a local git checkout.')
    .version(packageVersion(), '-V, --version', 'print the version of Courier')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.write(s), writeErr: (s) => err.write(s) });

  const imageCommand = (name: 'plan' | 'bump', description: string) => {
    const command = program
      .command(name)
      .description(description)
      .requiredOption('--repo <dir>', 'git repository (its committed HEAD is read, not the working tree)')
      .requiredOption('--image <ref>', 'released image, e.g. ghcr.io/acme/app:1.2.3[@sha256:…]')
      .option('--env <name>', 'environment to change (default: the first in promotion order)')
      .option('--digest <sha256:…>', 'digest of the release, for references pinned by digest');
    if (name === 'bump') command.option('--force', 'replace the courier/ branch even when it holds commits Courier did not write');
    return command.action(async (opts: ImageOptions) => {
      const { runImageUpdate } = await import('./local/run-image-update.ts');
      const { formatImageUpdate } = await import('./local/format-result.ts');
      const result = await runImageUpdate({
        dir: resolve(opts.repo),
        image: opts.image,
        write: name === 'bump',
        ...(opts.env ? { environment: opts.env } : {}),
        ...(opts.digest ? { digest: opts.digest } : {}),
        ...(opts.force ? { force: true } : {}),
      });
      out.write(formatImageUpdate(result, name));
    });
  };

  imageCommand('plan', 'show what an image release would change, as a unified diff and the pull request; changes nothing');
  imageCommand('bump', 'write the image update as one commit on a courier/… branch; HEAD and the working tree stay as they are');
  program
    .command('demo')
    .description('copy the example fleet to a temporary git repository and run plan and bump on it')
    .action(async () => (await import('./local/demo.ts')).runDemo((s) => out.write(s)));

  program
    .command('promote')
    .description('promote what one environment pins to the next: one commit on courier/promote/<to>/<from>; HEAD and the working tree stay as they are')
    .requiredOption('--repo <dir>', 'git repository (its committed HEAD is read, not the working tree)')
    .requiredOption('--from <env>', 'environment whose versions move')
    .requiredOption('--to <env>', 'environment that receives them (after --from in promotion order)')
    .option('--dry-run', 'print the versions that would move; write nothing')
    .option('--force', 'replace the courier/ branch even when it holds commits Courier did not write')
    .action(async (opts: { repo: string; from: string; to: string; dryRun?: boolean; force?: boolean }) => {
      const dryRun = opts.dryRun === true;
      const { formatPromotion, runPromotion } = await import('./local/run-promotion.ts');
      const result = await runPromotion({ dir: resolve(opts.repo), from: opts.from, to: opts.to, write: !dryRun, ...(opts.force ? { force: true } : {}) });
      out.write(formatPromotion(result, dryRun));
    });
  program
    .command('status')
    .description('print the version inventory of every environment and every version that differs between neighbours')
    .requiredOption('--repo <dir>', 'git repository (its committed HEAD is read)')
    .action(async (opts: { repo: string }) => {
      out.write(await (await import('./local/run-promotion.ts')).runStatus(resolve(opts.repo)));
    });
  program
    .command('rotate-keys')
    .description('rotate the SOPS age keys of the configured Flux key Secrets: step 1 adds the new keys, --finish re-encrypts for them only')
    .requiredOption('--repo <dir>', 'git repository (its committed HEAD is read, not the working tree)')
    .option('--finish', 'second step, after the first is merged and applied by every cluster')
    .action(async (opts: { repo: string; finish?: boolean }) => {
      const { formatRotateKeys, runRotateKeys } = await import('./local/run-rotate-keys.ts');
      out.write(formatRotateKeys(await runRotateKeys({ dir: resolve(opts.repo), finish: opts.finish === true, env })));
    });
  program
    .command('stage')
    .description('copy an app folder with the change from another branch into a new sibling (apps/<app>-v<N>): one commit on courier/rollout/<app>/stage; HEAD and the working tree stay as they are')
    .requiredOption('--repo <dir>', 'git repository (its committed HEAD is read, not the working tree)')
    .requiredOption('--app <app>', 'the app (e.g. podinfo) or its folder (e.g. apps/podinfo)')
    .requiredOption('--from-ref <branch>', 'branch (or commit) whose version of the folder the copy gets')
    .option('--force', 'replace the courier/ branch even when it holds commits Courier did not write')
    .action(async (opts: { repo: string; app: string; fromRef: string; force?: boolean }) => {
      const { formatStage, runStage } = await import('./local/run-rollout.ts');
      out.write(formatStage(await runStage({ dir: resolve(opts.repo), app: opts.app, fromRef: opts.fromRef, ...(opts.force ? { force: true } : {}) })));
    });
  program
    .command('rollout')
    .description('the next step of a staged rollout, read from HEAD: the next cluster\'s switch to --to, or the old folder\'s deletion; one commit on courier/rollout/<app>/<step>')
    .requiredOption('--repo <dir>', 'git repository (its committed HEAD is read, not the working tree)')
    .requiredOption('--app <app>', 'the app being rolled out (e.g. podinfo)')
    .requiredOption('--to <folder>', 'the folder every cluster moves to, repo-relative (e.g. apps/podinfo-v2)')
    .option('--force', 'replace the courier/ branch even when it holds commits Courier did not write')
    .action(async (opts: { repo: string; app: string; to: string; force?: boolean }) => {
      const { formatRollout, runRollout } = await import('./local/run-rollout.ts');
      out.write(formatRollout(await runRollout({ dir: resolve(opts.repo), app: opts.app, to: opts.to, ...(opts.force ? { force: true } : {}) })));
    });
  program
    .command('secrets-lint')
    .description('the courier/secrets check: plaintext that must be encrypted, missing recipients, bad MACs, decrypted copies')
    .requiredOption('--repo <dir>', 'git repository (its committed HEAD is read)')
    .action(async (opts: { repo: string }) => {
      const { formatSecretsLint, runSecretsLint } = await import('./local/run-secrets-lint.ts');
      const result = await runSecretsLint(resolve(opts.repo), env);
      out.write(formatSecretsLint(result));
      if (result.findings.some((f) => f.severity === 'error')) exitCode = 1;
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    // By name: the classes live in modules a command imports only when it runs.
    const name = (e as Error).name;
    if (name === 'LocalModeError' || name === 'LocalRepoError') {
      err.write(`courier: ${(e as Error).message}\n`);
      return 2;
    }
    err.write(`courier: unexpected error: ${(e as Error).message}\n`);
    return 1;
  }
}
