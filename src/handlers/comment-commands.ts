/**
 * `/courier …` commands in issue and pull-request comments. Honoured only for users with write
 * permission; anyone else gets a reply saying so and nothing changes. Holds and releases change the
 * fleet state kept in the dashboard issue; `promote` re-evaluates a promotion step at once; `plan`
 * answers with what each step waits for. Comments by bots (Courier's own replies included) and edited
 * comments are not commands. One reply per comment, plus a reaction on it.
 */
import type { Context } from 'probot';
import type { AppDeps, JobTarget } from '../app-deps.ts';
import { COMMAND_USAGE, parseCommands, type CommandError, type CourierCommand } from '../core/commands/parse-command.ts';
import { validateCourierConfig } from '../core/config/index.ts';
import type { FleetState } from '../core/fleet-state/fleet-state.ts';
import { fromOctokit, type OctokitLike } from '../github/github-client.ts';
import { hasWritePermission } from '../github/write-permission.ts';
import { configuredTargets } from './fan-out.ts';
import type { InstallationCache } from './installation-cache.ts';

type Deps = Pick<AppDeps, 'validateConfig' | 'promote' | 'fleetState' | 'explain' | 'rollback' | 'rollout' | 'rotateKeys' | 'now'>;

/** Handles `issue_comment.created`. */
export async function handleCommentCommands(context: Context<'issue_comment.created'>, deps: Deps, cache?: InstallationCache): Promise<void> {
  const { payload } = context;
  const comment = payload.comment;
  if (comment.user?.type === 'Bot' || comment.performed_via_github_app) return;
  const commands = parseCommands(comment.body ?? '');
  if (commands.length === 0 || !payload.installation) return;
  const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
  const gh = fromOctokit(context.octokit as unknown as OctokitLike);
  const reply = async (lines: string[], reaction: '+1' | 'confused' | 'eyes'): Promise<void> => {
    await gh.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { ...repo, issue_number: payload.issue.number, body: `@${comment.user?.login}\n\n${lines.join('\n')}` });
    await gh.request('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', { ...repo, comment_id: comment.id, content: reaction }).catch(() => undefined);
  };
  const login = comment.user?.login ?? '';
  if (!(await hasWritePermission(gh, repo, login))) {
    await reply(['Only users with write permission on this repository can run `/courier` commands. Nothing was changed.'], 'confused');
    return;
  }
  const [target] = await configuredTargets(context.octokit, payload.installation.id, [payload.repository as never], deps, context.log, cache);
  if (!target) {
    await reply(['This repository has no valid `.github/courier.yml` (see the `courier/config` check), so Courier cannot act on commands here. Nothing was changed.'], 'confused');
    return;
  }
  const lines: string[] = [];
  let failed = false;
  for (const command of commands) {
    const result = await run(command, target, login, deps, payload.issue.pull_request ? payload.issue.number : undefined).catch((error: unknown) => ({ ok: false, text: `\`${describe(command)}\` failed: ${(error as Error).message}` }));
    failed ||= !result.ok;
    lines.push(result.text);
  }
  await reply(lines, failed ? 'confused' : '+1');
}

function describe(command: CourierCommand | CommandError): string {
  return command.verb === 'invalid' ? command.line : `/courier ${command.verb}`;
}

async function run(command: CourierCommand | CommandError, target: JobTarget, login: string, deps: Deps, pull: number | undefined): Promise<{ ok: boolean; text: string }> {
  const config = validateCourierConfig(target.config);
  const environments = config.ok ? config.config.environments.map((e) => e.name) : [];
  const at = deps.now().toISOString();
  const change = async (fn: (state: FleetState) => FleetState): Promise<FleetState> => {
    if (!deps.fleetState) throw new Error('holds are not available in this deployment');
    return deps.fleetState(target).update(fn);
  };
  switch (command.verb) {
    case 'invalid':
      return { ok: false, text: `\`${command.line}\`: ${command.error}. \`/courier help\` lists the commands. Nothing was changed.` };
    case 'help':
      return { ok: true, text: ['Commands (write permission needed):', ...COMMAND_USAGE.map((u) => `- ${u}`)].join('\n') };
    case 'hold': {
      const state = await change((s) => (s.holds.some((h) => h.subject === command.subject) ? s : { ...s, holds: [...s.holds, { subject: command.subject, by: login, at }] }));
      const what = environments.includes(command.subject) ? `promotions into **${command.subject}**` : `promotions of \`${command.subject}\``;
      return { ok: true, text: `Held ${what} (${state.holds.length} hold${state.holds.length === 1 ? '' : 's'} now). \`/courier release ${command.subject}\` lifts it.` };
    }
    case 'release': {
      let lifted = 0;
      await change((s) => {
        const holds = s.holds.filter((h) => h.subject !== command.subject);
        const rejections = s.rejections.filter((r) => !(r.subject === command.subject && (command.version === undefined || r.version === command.version)));
        const freezes = command.version === undefined ? s.freezes.filter((f) => f.environment !== command.subject) : s.freezes;
        lifted = s.holds.length - holds.length + s.rejections.length - rejections.length + s.freezes.length - freezes.length;
        return lifted === 0 ? s : { ...s, holds, rejections, freezes };
      });
      const name = `\`${command.subject}${command.version ? `:${command.version}` : ''}\``;
      if (lifted === 0) return { ok: true, text: `Nothing held, rejected or frozen matches ${name}.` };
      if (deps.promote) void deps.promote(target).catch(() => undefined);
      return { ok: true, text: `Released ${name} (${lifted} lifted); promotions are evaluated again now.` };
    }
    case 'promote': {
      if (!environments.includes(command.environment) || environments[0] === command.environment) {
        return { ok: false, text: `\`${command.environment}\` is not an environment Courier promotes into: ${environments.slice(1).map((e) => `\`${e}\``).join(', ') || 'there is only one environment'}. Nothing was changed.` };
      }
      if (!deps.promote) return { ok: false, text: 'Promotions are not available in this deployment.' };
      void deps.promote(target, { to: command.environment }).catch(() => undefined);
      return { ok: true, text: `Evaluating the promotion into **${command.environment}** now; its pull request and \`courier/gate/${command.environment}\` check say what it waits for.` };
    }
    case 'plan': {
      if (!deps.explain) return { ok: false, text: 'Promotions are not available in this deployment.' };
      const steps = await deps.explain(target);
      const rows = steps.map((s) => {
        if (s.skipped) return `| ${s.from} → ${s.to} | — | ${s.skipped} |`;
        const d = s.decision!;
        const waiting = d.verdict.gates.filter((g) => g.state !== 'open').map((g) => `${g.gate}: ${g.detail}`);
        return `| ${s.from} → ${s.to} | ${d.verdict.open ? 'would promote now' : d.ready ? 'PR open, gates hold it' : 'waits'} | ${waiting.join('; ').replace(/\|/g, '\\|') || '—'} |`;
      });
      return { ok: true, text: ['What Courier would do now:', '', '| Step | Now | Waiting for |', '|---|---|---|', ...rows].join('\n') };
    }
    case 'rollback': {
      if (!environments.includes(command.target)) {
        const clusters = config.ok ? config.config.environments.flatMap((e) => e.clusters) : [];
        if (!clusters.includes(command.target) || !deps.rollout) {
          return { ok: false, text: `\`${command.target}\` is neither an environment (${environments.map((e) => `\`${e}\``).join(', ')}) nor a cluster of a staged rollout. Nothing was changed.` };
        }
        const outcome = await deps.rollout.rollbackCluster(target, command.target, login);
        if (typeof outcome === 'string') return { ok: false, text: `No rollback of **${command.target}**: ${outcome}. Nothing was changed.` };
        const pr = outcome.pullRequest ? ` in #${outcome.pullRequest.number}` : ' (it already applies the older folder)';
        return { ok: true, text: `Pointing **${command.target}** back to the older folder${pr}; the rollout is halted until \`/courier rollout resume\`.` };
      }
      if (!deps.rollback) return { ok: false, text: 'Rollbacks are not available in this deployment.' };
      const outcome = await deps.rollback(target, command.target, login);
      if (typeof outcome === 'string') return { ok: false, text: `No rollback of **${command.target}**: ${outcome}.` };
      const pr = outcome.pullRequest ? ` #${outcome.pullRequest.number}` : '';
      return { ok: true, text: `Rolling **${command.target}** back to its last healthy versions${pr ? ` in${pr}` : ' (nothing differs)'}; promotions out of it are frozen until \`/courier release ${command.target}\`.` };
    }
    case 'rollout': {
      if (!deps.rollout) return { ok: false, text: 'Staged rollouts are not available in this deployment.' };
      return { ok: true, text: await deps.rollout.control(target, command.action, command.app, login) };
    }
    case 'stage': {
      if (!deps.rollout) return { ok: false, text: 'Staged rollouts are not available in this deployment.' };
      if (pull === undefined) return { ok: false, text: '`/courier stage` works on a pull request that edits a shared app folder, not on an issue. Nothing was changed.' };
      const text = await deps.rollout.stage(target, pull, command.app);
      return { ok: text.startsWith('Staged'), text: text.startsWith('Staged') ? text : `Not staged: ${text}.` };
    }
    case 'rotate-keys': {
      if (!deps.rotateKeys) return { ok: false, text: 'Key rotation is not available in this deployment.' };
      const text = await deps.rotateKeys(target, `@${login}`);
      const ok = text.startsWith('step 1 of the key rotation is #');
      return { ok, text: `Key rotation: ${text}.` };
    }
  }
}
