/**
 * The walk as people see it in PR bodies, comments and the dashboard: a table (cluster, environment,
 * state, folder) and a Mermaid flowchart of the clusters in walk order, ending in the old folder's deletion.
 */
import type { RolloutWalk } from './rollout-walk.ts';

/** A cluster's place in the walk. */
export type WalkState = 'done' | 'current' | 'waiting' | 'failed' | 'rolled back';

/** What the walk looks like at a step: `current` is the cluster this step switches, `failed` the one that halted it. */
export interface WalkView {
  rows: Array<{ cluster: string; environment: string; state: WalkState; folder: string }>;
  finish: 'done' | 'current' | 'waiting';
}

/** Derives each cluster's state from the walk (read from Git) and the step. */
export function walkView(walk: RolloutWalk, step: { current?: string; failed?: string; finishing?: boolean; rolledBack?: string }): WalkView {
  const rows = walk.clusters.map((c) => {
    const folders = [...new Set(c.kustomizations.map((k) => k.folder))].join(', ');
    const state: WalkState =
      c.cluster === step.rolledBack ? 'rolled back' : c.cluster === step.failed ? 'failed' : c.cluster === step.current ? 'current' : c.switched ? 'done' : 'waiting';
    return { cluster: c.cluster, environment: c.environment, state, folder: folders };
  });
  const finish = step.finishing ? 'current' : walk.sources.length === 0 ? 'done' : 'waiting';
  return { rows, finish };
}

const ICON: Record<WalkState, string> = { done: '✅ done', current: '➡️ this step', waiting: '⏳ waiting', failed: '⛔ failed', 'rolled back': '↩️ rolled back' };

/** The Markdown table. */
export function walkTable(view: WalkView, walk: RolloutWalk): string {
  const lines = ['| # | Cluster | Environment | State | Applies |', '|---|---|---|---|---|'];
  view.rows.forEach((r, i) => lines.push(`| ${i + 1} | ${r.cluster} | ${r.environment} | ${ICON[r.state]} | \`${r.folder}\` |`));
  const old = walk.sources.length > 0 ? walk.sources.map((s) => `\`${s}\``).join(', ') : 'the old folder';
  lines.push(`| ${view.rows.length + 1} | — | — | ${view.finish === 'done' ? '✅ done' : view.finish === 'current' ? '➡️ this step' : '⏳ waiting'} | delete ${old} |`);
  return lines.join('\n');
}

const id = (text: string): string => text.replace(/[^A-Za-z0-9]/g, '_');
const label = (text: string): string => text.replace(/"/g, "'");

/** The Mermaid flowchart (GitHub renders it in PR bodies, comments and issues). */
export function walkDiagram(view: WalkView, walk: RolloutWalk): string {
  const lines = ['```mermaid', 'flowchart LR'];
  const cls = (s: WalkState): string => (s === 'rolled back' ? 'failed' : s);
  lines.push(`  start(["${label(walk.sources[0] ?? 'old folder')} → ${label(walk.target)}"])`);
  let prev = 'start';
  for (const r of view.rows) {
    const node = `c_${id(r.cluster)}`;
    lines.push(`  ${node}["${label(r.cluster)} (${label(r.environment)})"]:::${cls(r.state)}`);
    lines.push(`  ${prev} --> ${node}`);
    prev = node;
  }
  lines.push(`  finish["delete ${label(walk.sources.join(', ') || 'old folder')}"]:::${view.finish}`, `  ${prev} --> finish`);
  lines.push(
    '  classDef done fill:#d1f7d6,stroke:#1a7f37',
    '  classDef current fill:#ddf4ff,stroke:#0969da',
    '  classDef waiting fill:#eaeef2,stroke:#57606a',
    '  classDef failed fill:#ffd8d3,stroke:#cf222e',
    '```',
  );
  return lines.join('\n');
}
