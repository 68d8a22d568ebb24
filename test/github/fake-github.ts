/**
 * A small in-memory model of the GitHub GraphQL operations the write path uses, served through nock,
 * for concurrency tests: refs with compare-and-swap, commits with blob ids, one open PR per head.
 * Each document's mutations run serially and a failing field does not stop the next, as on GitHub.
 */
import { createHash } from 'node:crypto';
import nock from 'nock';
import { gitBlobOid } from '../../src/github/git-blob.ts';
import { API } from './github-fixtures.ts';

interface Commit {
  oid: string;
  parent: string | null;
  message: string;
  files: Map<string, string>;
  changed: number;
}

interface Pr {
  id: string;
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  open: boolean;
  labels: string[];
}

type Vars = Record<string, unknown>;

/** The model and its counters. */
export class FakeGitHub {
  readonly commits = new Map<string, Commit>();
  readonly refs = new Map<string, string>();
  readonly prs: Pr[] = [];
  mutatingRequests = 0;
  private seq = 0;

  constructor(baseFiles: Record<string, string>) {
    const files = new Map(Object.entries(baseFiles).map(([p, t]) => [p, gitBlobOid(t)]));
    const base: Commit = { oid: this.oid(), parent: null, message: 'base', files, changed: files.size };
    this.commits.set(base.oid, base);
    this.refs.set('main', base.oid);
  }

  private oid(): string {
    return createHash('sha1').update(`commit ${this.seq++}`).digest('hex');
  }

  /** Serves POST /graphql until `nock.cleanAll()`. */
  serve(): void {
    nock(API)
      .persist()
      .post('/graphql')
      .reply(200, (_uri, body) => {
        const { query, variables } = body as { query: string; variables: Vars };
        if (/^\s*mutation/.test(query)) {
          this.mutatingRequests++;
          return this.mutate(query, variables);
        }
        return this.read(query, variables);
      });
  }

  private filesAt(commit: Commit, vars: Vars) {
    const out: Record<string, { oid: string } | null> = {};
    for (const [k, v] of Object.entries(vars)) {
      const m = /^p(\d+)$/.exec(k);
      if (m) {
        const oid = commit.files.get(v as string);
        out[`f${m[1]}`] = oid ? { oid } : null;
      }
    }
    return out;
  }

  private read(query: string, vars: Vars): object {
    if (!query.includes('CourierPublishState')) throw new Error(`fake GitHub: unexpected query ${query.slice(0, 60)}`);
    const base = this.commits.get(this.refs.get('main')!)!;
    const branch = vars.branch as string;
    const headOid = this.refs.get(branch);
    const depth = Number(/history\(first: (\d+)\)/.exec(query)![1]);
    const history: object[] = [];
    for (let c = headOid ? this.commits.get(headOid) : undefined; c && history.length < depth; c = c.parent ? this.commits.get(c.parent) : undefined) {
      history.push({ oid: c.oid, message: c.message, changedFilesIfAvailable: c.changed, parents: { nodes: c.parent ? [{ oid: c.parent }] : [] }, ...this.filesAt(c, vars) });
    }
    const labels = Object.fromEntries(Object.keys(vars).filter((k) => /^l\d+$/.test(k)).map((k) => [k, { id: `LA_${vars[k] as string}` }]));
    return {
      data: {
        repository: {
          id: 'R_fake',
          mergeCommitAllowed: true,
          squashMergeAllowed: true,
          rebaseMergeAllowed: true,
          defaultBranchRef: { name: 'main', target: { oid: base.oid, ...this.filesAt(base, vars) } },
          headRef: headOid ? { id: `REF_${branch}`, target: { oid: headOid, history: { nodes: history } } } : null,
          pullRequests: {
            nodes: this.prs
              .filter((p) => p.open && p.head === branch)
              .map((p) => ({
                id: p.id,
                number: p.number,
                url: `https://github.com/acme/gitops/pull/${p.number}`,
                title: p.title,
                body: p.body,
                baseRefName: p.base,
                headRepositoryOwner: { login: 'acme' },
                labels: { nodes: p.labels.map((name) => ({ name })) },
                autoMergeRequest: null,
              })),
          },
          ...labels,
        },
      },
    };
  }

  private mutate(query: string, vars: Vars): object {
    const data: Record<string, unknown> = {};
    const errors: object[] = [];
    for (const [, alias, mutation] of query.matchAll(/(\w+): (\w+)\(input: \$\w+\)/g)) {
      try {
        data[alias!] = this.apply(mutation!, vars[alias!] as Vars);
      } catch (e) {
        data[alias!] = null;
        errors.push({ type: (e as { type?: string }).type ?? 'UNPROCESSABLE', path: [alias], message: (e as Error).message });
      }
    }
    return errors.length ? { data, errors } : { data };
  }

  private apply(mutation: string, input: Vars): unknown {
    const fail = (message: string, type = 'UNPROCESSABLE') => Object.assign(new Error(message), { type });
    switch (mutation) {
      case 'createRef': {
        const name = (input.name as string).replace('refs/heads/', '');
        if (this.refs.has(name)) throw fail(`A ref named "${input.name as string}" already exists in the repository.`);
        this.refs.set(name, input.oid as string);
        return { ref: { id: `REF_${name}` } };
      }
      case 'updateRef': {
        this.refs.set((input.refId as string).replace('REF_', ''), input.oid as string);
        return { ref: { id: input.refId } };
      }
      case 'createCommitOnBranch': {
        const branch = (input.branch as { branchName: string }).branchName;
        const head = this.refs.get(branch);
        if (head !== input.expectedHeadOid) throw fail(`Expected branch to point to "${input.expectedHeadOid as string}" but it did not. Pull and try again.`, 'STALE_DATA');
        const parent = this.commits.get(head!)!;
        const files = new Map(parent.files);
        const changes = input.fileChanges as { additions: Array<{ path: string; contents: string }>; deletions: Array<{ path: string }> };
        for (const a of changes.additions) files.set(a.path, gitBlobOid(Buffer.from(a.contents, 'base64').toString('utf8')));
        for (const d of changes.deletions) files.delete(d.path);
        const changed = [...new Set([...files.keys(), ...parent.files.keys()])].filter((p) => files.get(p) !== parent.files.get(p)).length;
        const msg = input.message as { headline: string; body?: string };
        const commit: Commit = { oid: this.oid(), parent: head!, message: msg.body ? `${msg.headline}\n\n${msg.body}` : msg.headline, files, changed };
        this.commits.set(commit.oid, commit);
        this.refs.set(branch, commit.oid);
        return { commit: { oid: commit.oid, url: `https://github.com/acme/gitops/commit/${commit.oid}` } };
      }
      case 'createPullRequest': {
        const head = input.headRefName as string;
        if (this.prs.some((p) => p.open && p.head === head)) throw fail(`A pull request already exists for acme:${head}.`);
        if (this.refs.get(head) === this.refs.get('main')) throw fail(`No commits between main and ${head}`);
        const number = this.prs.length + 1;
        const pr: Pr = { id: `PR_${number}`, number, head, base: input.baseRefName as string, title: input.title as string, body: input.body as string, open: true, labels: [] };
        this.prs.push(pr);
        return { pullRequest: { id: pr.id, number, url: `https://github.com/acme/gitops/pull/${number}` } };
      }
      case 'updatePullRequest': {
        const pr = this.prs.find((p) => p.id === input.pullRequestId)!;
        if (typeof input.title === 'string') pr.title = input.title;
        if (typeof input.body === 'string') pr.body = input.body;
        return { pullRequest: { id: pr.id, number: pr.number, url: `https://github.com/acme/gitops/pull/${pr.number}` } };
      }
      case 'addLabelsToLabelable': {
        const pr = this.prs.find((p) => p.id === input.labelableId)!;
        for (const id of input.labelIds as string[]) if (!pr.labels.includes(id.replace('LA_', ''))) pr.labels.push(id.replace('LA_', ''));
        return { clientMutationId: null };
      }
      default:
        throw new Error(`fake GitHub: unexpected mutation ${mutation}`);
    }
  }

  /** File text blob id on a branch, or undefined. */
  blobOn(branch: string, path: string): string | undefined {
    const oid = this.refs.get(branch);
    return oid ? this.commits.get(oid)?.files.get(path) : undefined;
  }
}
