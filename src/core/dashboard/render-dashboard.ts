/**
 * The body of the repository's dashboard issue, from data: a Mermaid diagram of environments and
 * clusters coloured by health (GitHub renders Mermaid in issue bodies), what each promotion step
 * waits for, the versions each environment pins, holds, rejected versions, frozen environments and
 * Courier's open pull requests. The fleet state travels in a hidden block at the end, so holds and
 * rejections live in GitHub, not in Courier's memory. Pure.
 */
import { z } from 'zod';
import { EMPTY_FLEET_STATE, type FleetState } from '../fleet-state/fleet-state.ts';

/** Health of one cluster as its latest check run says. */
export type ClusterHealth = 'healthy' | 'failing' | 'reconciling' | 'unknown';

/** What the dashboard shows. */
export interface DashboardView {
  repository: string;
  environments: Array<{
    name: string;
    clusters: Array<{ name: string; health: ClusterHealth; commit?: string }>;
    /** Entry (image repository or chart) → version this environment pins. */
    inventory: Array<{ entry: string; version: string }>;
  }>;
  steps: Array<{ from: string; to: string; state: string; waitsFor: string[]; pullRequest?: { number: number; url: string } }>;
  pullRequests: Array<{ number: number; title: string; url: string }>;
  state: FleetState;
  updatedAt: string;
}

const MARK = '<!-- courier-dashboard -->';
const STATE_OPEN = '<!-- courier-fleet-state';

const fleetStateSchema = z.object({
  holds: z.array(z.object({ subject: z.string(), by: z.string(), at: z.string() })),
  rejections: z.array(z.object({ subject: z.string(), version: z.string(), environment: z.string(), cluster: z.string(), reason: z.string(), at: z.string() })),
  freezes: z.array(z.object({ environment: z.string(), reason: z.string(), at: z.string() })),
  rollouts: z.array(z.object({ app: z.string(), state: z.enum(['paused', 'aborted', 'failed']), by: z.string(), at: z.string(), cluster: z.string().optional(), reason: z.string().optional() })),
  rotationHalt: z.object({ clusters: z.array(z.string()), reason: z.string(), at: z.string() }).optional(),
});

/** True when an issue body is Courier's dashboard (found by this mark, whatever its title). */
export function isDashboardBody(body: string | null | undefined): boolean {
  return (body ?? '').includes(MARK);
}

/** The fleet state kept in a dashboard body; a missing block is the empty state, a broken one an error naming what is wrong. */
export function readFleetState(body: string): { state: FleetState } | { error: string } {
  const at = body.lastIndexOf(STATE_OPEN);
  if (at < 0) return { state: structuredClone(EMPTY_FLEET_STATE) };
  const end = body.indexOf('-->', at + STATE_OPEN.length);
  if (end < 0) return { error: 'the courier-fleet-state block of the dashboard issue is not closed' };
  let json: unknown;
  try {
    json = JSON.parse(body.slice(at + STATE_OPEN.length, end));
  } catch (error) {
    return { error: `the courier-fleet-state block of the dashboard issue is not JSON: ${(error as Error).message}` };
  }
  const parsed = fleetStateSchema.safeParse(json);
  if (!parsed.success) return { error: `the courier-fleet-state block of the dashboard issue is invalid at ${parsed.error.issues[0]?.path.join('.') || '(root)'}: ${parsed.error.issues[0]?.message}` };
  return { state: parsed.data };
}

/** The hidden block; `--` never appears inside it, so no value can close the HTML comment early. */
function stateBlock(state: FleetState): string {
  return `${STATE_OPEN}\n${JSON.stringify(state).replace(/--/g, '-\\u002d').replace(/>/g, '\\u003e')}\n-->`;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const id = (text: string): string => text.replace(/[^A-Za-z0-9_]/g, '_');
/** Mermaid labels are quoted strings: quotes and brackets would end them. */
const label = (text: string): string => text.replace(/["[\]{}<>]/g, '');

/** The Mermaid flowchart: environments as subgraphs in promotion order, clusters coloured by health. */
export function fleetDiagram(view: DashboardView): string {
  const lines = ['```mermaid', 'flowchart LR'];
  for (const env of view.environments) {
    lines.push(`  subgraph env_${id(env.name)}["${label(env.name)}"]`);
    if (env.clusters.length === 0) lines.push(`    env_${id(env.name)}_none["no clusters"]:::unknown`);
    for (const c of env.clusters) lines.push(`    c_${id(env.name)}_${id(c.name)}["${label(c.name)}${c.commit ? ` @ ${c.commit.slice(0, 7)}` : ''}"]:::${c.health}`);
    lines.push('  end');
  }
  for (const step of view.steps) lines.push(`  env_${id(step.from)} -->|"${label(step.state)}"| env_${id(step.to)}`);
  lines.push('  classDef healthy fill:#d1f7d6,stroke:#1a7f37', '  classDef failing fill:#ffd8d3,stroke:#cf222e', '  classDef reconciling fill:#fff1c2,stroke:#9a6700', '  classDef unknown fill:#eaeef2,stroke:#57606a', '```');
  return lines.join('\n');
}

/** Renders the whole dashboard body (the state block last). */
export function renderDashboard(view: DashboardView): string {
  const out = [MARK, `# Courier dashboard`, '', `Fleet of \`${view.repository}\`, as Courier last saw it (${view.updatedAt}). Courier updates this issue in place; commands go in comments (\`/courier help\`).`, '', fleetDiagram(view), ''];
  if (view.steps.length > 0) {
    out.push('## Promotions', '', '| Step | State | Waits for | Pull request |', '|---|---|---|---|');
    for (const s of view.steps) out.push(`| ${s.from} → ${s.to} | ${cell(s.state)} | ${cell(s.waitsFor.join('; ') || '—')} | ${s.pullRequest ? `#${s.pullRequest.number}` : '—'} |`);
    out.push('');
  }
  const entries = [...new Set(view.environments.flatMap((e) => e.inventory.map((i) => i.entry)))].sort();
  if (entries.length > 0) {
    out.push('## Versions', '', `| Entry | ${view.environments.map((e) => e.name).join(' | ')} |`, `|---|${view.environments.map(() => '---').join('|')}|`);
    for (const entry of entries) out.push(`| \`${cell(entry)}\` | ${view.environments.map((e) => cell(e.inventory.find((i) => i.entry === entry)?.version ?? '—')).join(' | ')} |`);
    out.push('');
  }
  const { holds, rejections, freezes, rollouts } = view.state;
  out.push('## Holds and rejections', '');
  const halt = view.state.rotationHalt;
  if (holds.length + rejections.length + freezes.length + rollouts.length === 0 && !halt) out.push('None.');
  if (halt) out.push(`- ⛔ SOPS key rotation halted between its steps: ${cell(halt.clusters.join(', '))} ${cell(halt.reason)} (${halt.at}); step 2 opens once they report healthy`);
  for (const h of holds) out.push(`- held: \`${cell(h.subject)}\` by @${h.by} (${h.at}); \`/courier release ${h.subject}\` lifts it`);
  for (const r of rejections) out.push(`- rejected: \`${cell(r.subject)}:${cell(r.version)}\` in ${r.environment}: ${cell(r.reason)}; \`/courier release ${r.subject}:${r.version}\` lifts it`);
  for (const f of freezes) out.push(`- frozen: ${f.environment}: ${cell(f.reason)}; \`/courier release ${f.environment}\` lifts it`);
  for (const r of rollouts) out.push(r.state === 'failed' ? `- ⛔ rollout of ${r.app} halted: ${cell(r.cluster ?? 'a cluster')} failed after its switch${r.reason ? ` (${cell(r.reason)})` : ''} (${r.at}); \`/courier rollout resume ${r.app}\` or \`abort\`` : `- rollout of ${r.app} ${r.state} by @${r.by} (${r.at})`);
  out.push('', '## Open Courier pull requests', '');
  if (view.pullRequests.length === 0) out.push('None.');
  for (const pr of view.pullRequests) out.push(`- #${pr.number} ${cell(pr.title)}`);
  out.push('', stateBlock(view.state), '');
  return out.join('\n');
}
