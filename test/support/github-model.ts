/**
 * An in-memory model of the GitHub GraphQL operations Courier's write path uses: refs with
 * compare-and-swap, commits with blob ids, one open PR per head, labels, comments. Where commits and
 * refs live is a `ModelStore` (Maps in `memory-store.ts`, a bare git repository in `git-store.ts`), so the same model
 * backs the nock fake of the concurrency tests and the HTTP fake GitHub of the end-to-end tests.
 * Each document's mutations run serially and a failing field does not stop the next, as on GitHub;
 * documents run one at a time.
 */

/** A commit as the model sees it. */
export interface ModelCommit {
  oid: string;
  parent: string | null;
  message: string;
  /** Files that differ from the parent. */
  changed: number;
  /** True for commits made by `createCommitOnBranch` (GitHub signs those: Verified). */
  verified: boolean;
}

/** File changes of `createCommitOnBranch` (contents base64, as GitHub takes them). */
export interface FileChanges {
  additions: Array<{ path: string; contents: string }>;
  deletions: Array<{ path: string }>;
}

/** Where refs and commits live. Branch names are short (`main`, `courier/image/dev/x`). */
export interface ModelStore {
  ref(branch: string): Promise<string | undefined>;
  /** Moves `branch` to `oid` if it points at `expected` (null: must not exist; undefined: force). */
  setRef(branch: string, oid: string, expected?: string | null): Promise<boolean>;
  deleteRef(branch: string): Promise<void>;
  commit(oid: string): Promise<ModelCommit | undefined>;
  /** Blob ids of `paths` at a commit (null = absent). */
  blobs(oid: string, paths: string[]): Promise<Record<string, string | null>>;
  /** Writes a commit on `parent` with the changes; returns its oid. */
  writeCommit(parent: string, changes: FileChanges, message: string): Promise<string>;
}

/** A pull request of the model. */
export interface ModelPr {
  id: string;
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  open: boolean;
  labels: string[];
  comments: string[];
  autoMerge: boolean;
  reviewers: string[];
  /** When the model opened it (its clock, milliseconds; `performance.now()` in the HTTP fake). */
  createdAt: number;
}

type Vars = Record<string, unknown>;


class GraphQLFieldError extends Error {
  constructor(
    message: string,
    readonly type = 'UNPROCESSABLE',
  ) {
    super(message);
  }
}

/** The GraphQL model of one repository. */
export class GitHubModel {
  readonly prs: ModelPr[] = [];
  /** Label name → node id; labels named in `knownLabels` exist from the start. */
  readonly labels = new Map<string, string>();
  readonly web: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly store: ModelStore,
    readonly repo: { owner: string; name: string; defaultBranch: string; id?: string },
    private readonly options: { knownLabels?: string[]; webUrl?: string; clock?: () => number } = {},
  ) {
    for (const l of options.knownLabels ?? []) this.labels.set(l, `LA_${l}`);
    this.web = `${options.webUrl ?? 'https://github.com'}/${repo.owner}/${repo.name}`;
  }

  /**
   * Answers one GraphQL document (`{ data, errors? }`); documents run one after another. `refuse`
   * makes every field calling that mutation fail with the given error while the others apply.
   */
  graphql(query: string, variables: Vars, opts: { refuse?: { mutation: string; type: string; message: string } } = {}): Promise<object> {
    const run = this.queue.then(() => (/^\s*mutation/.test(query) ? this.mutate(query, variables, opts.refuse) : this.read(query, variables)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** True when a mutation input names this repository or one of its pull requests. */
  owns(input: unknown): boolean {
    const values = JSON.stringify(input);
    const names = [this.repo.id ?? 'R_fake', `${this.repo.owner}/${this.repo.name}`, ...this.prs.map((p) => p.id)];
    return names.some((n) => values.includes(JSON.stringify(n)));
  }

  /** Creates a label (REST `POST /repos/{o}/{r}/labels`); false when it exists. */
  createLabel(name: string): { id: string; created: boolean } {
    const known = this.labels.get(name);
    if (known) return { id: known, created: false };
    const id = `LA_${name}`;
    this.labels.set(name, id);
    return { id, created: true };
  }

  private async filesAt(oid: string, vars: Vars) {
    const aliases = Object.entries(vars).flatMap(([k, v]) => {
      const m = /^p(\d+)$/.exec(k);
      return m ? [{ alias: `f${m[1]}`, path: v as string }] : [];
    });
    const blobs = await this.store.blobs(oid, aliases.map((a) => a.path));
    return Object.fromEntries(aliases.map((a) => [a.alias, blobs[a.path] ? { oid: blobs[a.path] } : null]));
  }

  private prNode(p: ModelPr) {
    return {
      id: p.id,
      number: p.number,
      url: `${this.web}/pull/${p.number}`,
      title: p.title,
      body: p.body,
      baseRefName: p.base,
      headRefName: p.head,
      headRef: { id: `REF_${p.head}` },
      headRepositoryOwner: { login: this.repo.owner },
      labels: { nodes: p.labels.map((name) => ({ name })) },
      autoMergeRequest: p.autoMerge ? { enabledAt: '2026-01-01T00:00:00Z' } : null,
    };
  }

  private async refNode(branch: string, withFiles: Vars) {
    const oid = await this.store.ref(branch);
    return oid ? { name: branch, target: { oid, ...(await this.filesAt(oid, withFiles)) } } : null;
  }

  private async read(query: string, vars: Vars): Promise<object> {
    if (query.includes('CourierOpenPullRequests')) {
      const nodes = this.prs.filter((p) => p.open).reverse().map((p) => this.prNode(p));
      return { data: { repository: { pullRequests: { nodes } } } };
    }
    if (!query.includes('CourierPublishState')) throw new Error(`fake GitHub: unexpected query ${query.slice(0, 60)}`);
    const branch = vars.branch as string;
    const headOid = await this.store.ref(branch);
    const depth = Number(/history\(first: (\d+)\)/.exec(query)![1]);
    const history: object[] = [];
    for (let c = headOid ? await this.store.commit(headOid) : undefined; c && history.length < depth; c = c.parent ? await this.store.commit(c.parent) : undefined) {
      history.push({ oid: c.oid, message: c.message, changedFilesIfAvailable: c.changed, parents: { nodes: c.parent ? [{ oid: c.parent }] : [] }, ...(await this.filesAt(c.oid, vars)) });
    }
    const labels = Object.fromEntries(Object.keys(vars).filter((k) => /^l\d+$/.test(k)).map((k) => [k, this.labels.has(vars[k] as string) ? { id: this.labels.get(vars[k] as string) } : null]));
    const people = Object.fromEntries(Object.keys(vars).filter((k) => /^u\d+$/.test(k)).map((k) => [k, { id: `U_${vars[k] as string}` }]));
    const baseRef = typeof vars.baseRef === 'string' ? { baseRef: await this.refNode((vars.baseRef as string).replace('refs/heads/', ''), vars) } : {};
    return {
      data: {
        repository: {
          id: this.repo.id ?? 'R_fake',
          mergeCommitAllowed: true,
          squashMergeAllowed: true,
          rebaseMergeAllowed: true,
          defaultBranchRef: await this.refNode(this.repo.defaultBranch, vars),
          ...baseRef,
          headRef: headOid ? { id: `REF_${branch}`, target: { oid: headOid, history: { nodes: history } } } : null,
          pullRequests: { nodes: this.prs.filter((p) => p.open && p.head === branch).map((p) => this.prNode(p)) },
          ...(query.includes('openPullRequests: pullRequests(') ? { openPullRequests: { nodes: this.prs.filter((p) => p.open).reverse().map((p) => this.prNode(p)) } } : {}),
          ...labels,
        },
        ...people,
      },
    };
  }

  private async mutate(query: string, vars: Vars, refuse?: { mutation: string; type: string; message: string }): Promise<object> {
    const data: Record<string, unknown> = {};
    const errors: object[] = [];
    for (const [, alias, mutation] of query.matchAll(/(\w+): (\w+)\(input: \$\w+\)/g)) {
      try {
        if (refuse && refuse.mutation === mutation) throw new GraphQLFieldError(refuse.message, refuse.type);
        data[alias!] = await this.apply(mutation!, vars[alias!] as Vars);
      } catch (e) {
        if (!(e instanceof GraphQLFieldError)) throw e;
        data[alias!] = null;
        errors.push({ type: e.type, path: [alias], message: e.message });
      }
    }
    return errors.length ? { data, errors } : { data };
  }

  /** GitHub's limit on a pull request body. */
  private checkBody(body: unknown): void {
    if (typeof body === 'string' && body.length > 65_536) throw new GraphQLFieldError('Body is too long (maximum is 65536 characters)');
  }

  private pr(id: unknown): ModelPr {
    const pr = this.prs.find((p) => p.id === id);
    if (!pr) throw new GraphQLFieldError(`Could not resolve to a node with the global id of '${String(id)}'`, 'NOT_FOUND');
    return pr;
  }

  private async apply(mutation: string, input: Vars): Promise<unknown> {
    switch (mutation) {
      case 'createRef': {
        const name = (input.name as string).replace('refs/heads/', '');
        if (!(await this.store.setRef(name, input.oid as string, null))) throw new GraphQLFieldError(`A ref named "${input.name as string}" already exists in the repository.`);
        return { ref: { id: `REF_${name}` } };
      }
      case 'updateRef': {
        await this.store.setRef((input.refId as string).replace('REF_', ''), input.oid as string);
        return { ref: { id: input.refId } };
      }
      case 'deleteRef': {
        await this.store.deleteRef((input.refId as string).replace('REF_', ''));
        return { clientMutationId: null };
      }
      case 'createCommitOnBranch': {
        const branch = (input.branch as { branchName: string }).branchName;
        const head = await this.store.ref(branch);
        const stale = () => new GraphQLFieldError(`Expected branch to point to "${input.expectedHeadOid as string}" but it did not. Pull and try again.`, 'STALE_DATA');
        if (!head || head !== input.expectedHeadOid) throw stale();
        const msg = input.message as { headline: string; body?: string };
        const oid = await this.store.writeCommit(head, input.fileChanges as FileChanges, msg.body ? `${msg.headline}\n\n${msg.body}` : msg.headline);
        if (!(await this.store.setRef(branch, oid, head))) throw stale();
        return { commit: { oid, url: `${this.web}/commit/${oid}` } };
      }
      case 'createPullRequest': {
        const head = input.headRefName as string;
        this.checkBody(input.body);
        if (this.prs.some((p) => p.open && p.head === head)) throw new GraphQLFieldError(`A pull request already exists for ${this.repo.owner}:${head}.`);
        if ((await this.store.ref(head)) === (await this.store.ref(input.baseRefName as string))) throw new GraphQLFieldError(`No commits between ${input.baseRefName as string} and ${head}`);
        const number = this.prs.length + 1;
        const pr: ModelPr = {
          id: `PR_${this.repo.id ?? 'fake'}_${number}`,
          number,
          head,
          base: input.baseRefName as string,
          title: input.title as string,
          body: input.body as string,
          open: true,
          labels: [],
          comments: [],
          autoMerge: false,
          reviewers: [],
          createdAt: (this.options.clock ?? Date.now)(),
        };
        this.prs.push(pr);
        return { pullRequest: { id: pr.id, number, url: `${this.web}/pull/${number}` } };
      }
      case 'updatePullRequest': {
        const pr = this.pr(input.pullRequestId);
        this.checkBody(input.body);
        if (typeof input.title === 'string') pr.title = input.title;
        if (typeof input.body === 'string') pr.body = input.body;
        if (typeof input.baseRefName === 'string') pr.base = input.baseRefName;
        return { pullRequest: { id: pr.id, number: pr.number, url: `${this.web}/pull/${pr.number}` } };
      }
      case 'closePullRequest': {
        const pr = this.pr(input.pullRequestId);
        pr.open = false;
        return { pullRequest: { id: pr.id, number: pr.number } };
      }
      case 'addComment': {
        this.pr(input.subjectId).comments.push(input.body as string);
        return { clientMutationId: null };
      }
      case 'addLabelsToLabelable': {
        const pr = this.pr(input.labelableId);
        const names = new Map([...this.labels].map(([name, id]) => [id, name]));
        for (const id of input.labelIds as string[]) {
          const name = names.get(id);
          if (!name) throw new GraphQLFieldError(`Could not resolve to a node with the global id of '${id}'`, 'NOT_FOUND');
          if (!pr.labels.includes(name)) pr.labels.push(name);
        }
        return { clientMutationId: null };
      }
      case 'requestReviews': {
        const pr = this.pr(input.pullRequestId);
        pr.reviewers.push(...(input.userIds as string[]), ...(input.teamIds as string[]));
        return { clientMutationId: null };
      }
      case 'enablePullRequestAutoMerge': {
        this.pr(input.pullRequestId).autoMerge = true;
        return { clientMutationId: null };
      }
      default:
        throw new Error(`fake GitHub: unexpected mutation ${mutation}`);
    }
  }
}
