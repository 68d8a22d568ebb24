/**
 * Writes one check run per cluster per commit, named `courier/<environment>/<cluster>`. Remembers per
 * (repository, commit, name) the last content and the run's id, so an unchanged state costs no
 * API call; after a restart it finds the run by name before creating one. A run that is still
 * unfinished is updated in place; a finished one is updated when the new state is also finished,
 * and followed by a new run otherwise — so there are never two unfinished runs of one name on a commit.
 * A commit that every object of the cluster has moved past while its run was unfinished gets that run
 * completed as `neutral` ("superseded"), so no run stays spinning.
 */
import { formatCheckRunName } from '../core/reconcile/check-run-name.ts';
import type { ReportObject } from '../core/reconcile/report.ts';
import { commitTime, createCheckRun, listCheckRuns, updateCheckRun, type CheckRunBody } from '../github/check-runs.ts';
import type { GitHubClient } from '../github/github-client.ts';
import { checkRunContent, type CheckRunContent } from './check-run-summary.ts';

/** What the writer needs. */
export interface CheckRunWriterDeps {
  /** An installation-authenticated client for the repository. */
  clientFor(owner: string, repo: string): Promise<GitHubClient>;
  now(): Date;
}

/** The objects of one cluster from one repository that a report brought. */
export interface ClusterReport {
  owner: string;
  repo: string;
  environment: string;
  cluster: string;
  objects: readonly ReportObject[];
}

interface KnownRun {
  id: number;
  fingerprint: string;
  completed: boolean;
}

/** Keeps check runs in line with cluster reports. */
export class CheckRunWriter {
  /** `owner/repo#cluster` → object key → latest object. */
  private readonly clusters = new Map<string, Map<string, ReportObject>>();
  /** `owner/repo@sha#name` → run. */
  private readonly runs = new Map<string, KnownRun>();
  private readonly commitTimes = new Map<string, Date | undefined>();
  /** Counters for logs and tests. */
  readonly stats = { created: 0, updated: 0, unchanged: 0 };

  constructor(private readonly deps: CheckRunWriterDeps) {}

  /** Records the cluster's objects and writes the runs of every commit whose state changed. */
  async apply(report: ClusterReport): Promise<void> {
    const clusterKey = `${report.owner}/${report.repo}#${report.cluster}`;
    let objects = this.clusters.get(clusterKey);
    if (!objects) this.clusters.set(clusterKey, (objects = new Map()));
    const touched = new Set<string>();
    for (const o of report.objects) {
      const key = `${o.kind}/${o.namespace}/${o.name}`;
      const before = objects.get(key)?.revision.sha;
      if (before) touched.add(before);
      if (o.revision.sha) touched.add(o.revision.sha);
      objects.set(key, o);
    }
    const all = [...objects.values()];
    const name = formatCheckRunName(report.environment, report.cluster);
    const gh = await this.deps.clientFor(report.owner, report.repo);
    for (const sha of touched) {
      const here = all.filter((o) => o.revision.sha === sha);
      const runKey = `${report.owner}/${report.repo}@${sha}#${name}`;
      let content: CheckRunContent;
      if (here.length > 0) {
        content = checkRunContent(report.cluster, sha, all, await this.commitTime(gh, report.owner, report.repo, sha));
      } else {
        const known = this.runs.get(runKey);
        if (!known || known.completed) continue;
        content = { status: 'completed', title: `${report.cluster}: superseded by a newer commit`, summary: 'Every object of this cluster has moved on to a newer commit.' };
      }
      await this.write(gh, report, sha, name, runKey, content);
    }
  }

  private async write(gh: GitHubClient, r: ClusterReport, sha: string, name: string, runKey: string, content: CheckRunContent): Promise<void> {
    const fingerprint = JSON.stringify([content.status, content.conclusion, content.title, this.statesAt(r, sha)]);
    let known = this.runs.get(runKey);
    if (known?.fingerprint === fingerprint) {
      this.stats.unchanged++;
      return;
    }
    if (!known) known = await this.findRun(gh, r, sha, name);
    const completed = content.status === 'completed';
    const now = this.deps.now().toISOString();
    const body: CheckRunBody = {
      status: content.status,
      output: { title: content.title, summary: content.summary },
    };
    if (completed) {
      body.conclusion = content.conclusion ?? 'neutral';
      body.completed_at = now;
    }
    let id: number;
    if (known && (!known.completed || completed)) {
      await updateCheckRun(gh, r, known.id, body);
      id = known.id;
      this.stats.updated++;
    } else {
      id = await createCheckRun(gh, r, { name, head_sha: sha, external_id: externalId(r), started_at: now, ...body });
      this.stats.created++;
    }
    // Old commits stop changing; bound the memory by forgetting the oldest entries first.
    if (this.runs.size >= 20_000) this.runs.delete(this.runs.keys().next().value!);
    this.runs.set(runKey, { id, fingerprint, completed });
  }

  /**
   * The newest run of this name that Courier wrote on the commit, if one exists (after a restart of
   * the app). A workflow job or another app may use the same name; only runs carrying Courier's
   * `external_id` are ours to update (GitHub refuses updates of other apps' runs).
   */
  private async findRun(gh: GitHubClient, r: ClusterReport, sha: string, name: string): Promise<KnownRun | undefined> {
    const runs = await listCheckRuns(gh, r, sha, name);
    const run = runs.find((x) => x.externalId === externalId(r));
    return run ? { id: run.id, fingerprint: '', completed: run.status === 'completed' } : undefined;
  }

  private statesAt(r: ClusterReport, sha: string): unknown[] {
    const objects = this.clusters.get(`${r.owner}/${r.repo}#${r.cluster}`);
    return [...(objects?.values() ?? [])]
      .filter((o) => o.revision.sha === sha)
      .map((o) => [o.kind, o.namespace, o.name, o.state, o.reason, o.message, o.failing]);
  }

  /** The committer date of a commit, for lead times; cached, and undefined when unavailable. */
  private async commitTime(gh: GitHubClient, owner: string, repo: string, sha: string): Promise<Date | undefined> {
    const key = `${owner}/${repo}@${sha}`;
    if (this.commitTimes.has(key)) return this.commitTimes.get(key);
    let time: Date | undefined;
    try {
      time = await commitTime(gh, { owner, repo }, sha);
    } catch {
      time = undefined;
    }
    if (this.commitTimes.size > 10_000) this.commitTimes.clear();
    this.commitTimes.set(key, time);
    return time;
  }
}

/** Marks a check run as Courier's for one environment and cluster. */
function externalId(r: Pick<ClusterReport, 'environment' | 'cluster'>): string {
  return `${r.environment}/${r.cluster}`;
}
