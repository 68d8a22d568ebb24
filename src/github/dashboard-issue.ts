/**
 * The repository's one dashboard issue: found again by its label and the hidden mark in its body
 * (never by title, which people edit), created once, updated in place only when its body changes.
 * It also stores the fleet state (holds, rejections, freezes, rollout controls) in a hidden block,
 * so `FleetStateStore` here is GitHub itself; one replica serialises its read-modify-writes per
 * repository. A block someone broke by hand is an error naming what is wrong, and nothing is written
 * over it (the state it held is not lost).
 */
import type { FleetState, FleetStateStore } from '../core/fleet-state/fleet-state.ts';
import { isDashboardBody, readFleetState, renderDashboard, type DashboardView } from '../core/dashboard/render-dashboard.ts';
import { KeyedQueue } from '../git/keyed-queue.ts';
import type { GitHubClient } from './github-client.ts';
import type { RepoRef } from './repo-ref.ts';

/** The label the dashboard issue carries. */
export const DASHBOARD_LABEL = 'courier-dashboard';

/** The dashboard's fleet-state block cannot be read; the message says where and what. */
export class DashboardStateError extends Error {
  override readonly name = 'DashboardStateError';
}

interface Found {
  number: number;
  body: string;
}

/** The open dashboard issue of the repository (the oldest when several carry the mark), or undefined. */
export async function findDashboard(gh: GitHubClient, repo: RepoRef): Promise<Found | undefined> {
  const { data } = await gh.request<Array<{ number: number; body?: string | null; pull_request?: unknown }>>('GET /repos/{owner}/{repo}/issues', {
    owner: repo.owner,
    repo: repo.repo,
    labels: DASHBOARD_LABEL,
    state: 'open',
    per_page: 20,
    sort: 'created',
    direction: 'asc',
  });
  const issue = (data ?? []).find((i) => !i.pull_request && isDashboardBody(i.body));
  return issue ? { number: issue.number, body: issue.body ?? '' } : undefined;
}

/** The view without the state: what the pipeline knows; the store adds the state. */
export type DashboardContent = Omit<DashboardView, 'state'>;

/** A repository's dashboard: its fleet state store, and the refresh of what it shows. */
export interface Dashboard extends FleetStateStore {
  /** Rewrites the body for `content` (with the current state); writes only when the body changes. */
  show(content: DashboardContent): Promise<void>;
}

/** What one App instance knows of its repositories' dashboards (one per process; tests make several). */
export class DashboardCache {
  readonly queues = new KeyedQueue();
  /** Per repository: the issue as last read or written (null: there is none). */
  readonly issues = new Map<string, (Found & { state: FleetState }) | null>();
  /** Per repository: what the dashboard shows besides the state. */
  readonly contents = new Map<string, DashboardContent>();
  /** Forgets a repository's issue, so the next use reads it again (the resync: someone may have edited it). */
  forget(repo: RepoRef): void {
    this.issues.delete(`${repo.owner}/${repo.repo}`);
  }
}

/** The dashboard of `repo`, read once and then kept in `cache`: this App writes it. */
export function githubDashboard(gh: GitHubClient, repo: RepoRef, cache: DashboardCache, opts: { title?: string } = {}): Dashboard {
  const key = `${repo.owner}/${repo.repo}`;
  const { queues, issues: knownIssues, contents } = cache;
  let known = knownIssues.get(key);
  const remember = (value: (Found & { state: FleetState }) | null) => {
    knownIssues.set(key, value);
    return (known = value);
  };
  let content: DashboardContent = contents.get(key) ?? { repository: key, environments: [], steps: [], pullRequests: [], updatedAt: new Date(0).toISOString() };

  async function load(): Promise<(Found & { state: FleetState }) | null> {
    known = knownIssues.get(key);
    if (known !== undefined) return known;
    const found = await findDashboard(gh, repo);
    if (!found) return remember(null);
    const read = readFleetState(found.body);
    if ('error' in read) throw new DashboardStateError(`${key}#${found.number}: ${read.error}. Fix or remove the block in the issue body; until then Courier changes nothing that depends on it.`);
    return remember({ ...found, state: read.state });
  }

  async function write(state: FleetState): Promise<void> {
    const body = renderDashboard({ ...content, state });
    const current = await load();
    if (current && current.body === body) return;
    if (current) {
      await gh.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', { owner: repo.owner, repo: repo.repo, issue_number: current.number, body });
      remember({ ...current, body, state });
    } else {
      const { data } = await gh.request<{ number: number }>('POST /repos/{owner}/{repo}/issues', { owner: repo.owner, repo: repo.repo, title: opts.title ?? 'Courier dashboard', body, labels: [DASHBOARD_LABEL] });
      remember({ number: data.number, body, state });
    }
  }

  const empty = (): FleetState => ({ holds: [], rejections: [], freezes: [], rollouts: [] });
  return {
    read: () => queues.run(key, async () => structuredClone((await load())?.state ?? empty())),
    update: (change) =>
      queues.run(key, async () => {
        const before = (await load())?.state ?? empty();
        const after = change(structuredClone(before));
        if (JSON.stringify(after) !== JSON.stringify(before)) await write(after);
        return structuredClone(after);
      }),
    show: (next) =>
      queues.run(key, async () => {
        content = next;
        contents.set(key, next);
        await write((await load())?.state ?? empty());
      }),
  };
}
