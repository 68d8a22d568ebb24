/**
 * A fake GitHub Enterprise Server on 127.0.0.1 for end-to-end tests and the benchmark: the REST
 * routes and GraphQL documents Courier calls for an image release, config checks and cluster
 * reports, with state kept (the GraphQL model of `github-model.ts` over a bare git repository, so
 * commits made through `createCommitOnBranch` are real and fetchable). Every request is counted by
 * route and timed. Probot reaches it with `GHE_HOST=127.0.0.1:<port>` and `GHE_PROTOCOL=http`:
 * REST under `/api/v3`, GraphQL at `/api/graphql` (Octokit swaps the `/api/v3` suffix).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { GitStore } from './git-store.ts';
import { GitHubModel } from './github-model.ts';

/** A repository the fake serves, backed by a bare git repository. */
export interface FakeRepoInit {
  owner: string;
  name: string;
  bareDir: string;
  installationId: number;
  defaultBranch?: string;
}

/** A check run as created through the REST API. */
export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion?: string;
  external_id?: string;
  output?: { title?: string; summary?: string; annotations?: unknown[] };
  started_at?: string;
  completed_at?: string;
  /** The app that wrote it (this fake's app is 123). */
  app?: { id: number };
}

/** One served repository. */
export interface FakeRepo {
  init: FakeRepoInit;
  store: GitStore;
  model: GitHubModel;
  checkRuns: FakeCheckRun[];
  /** Reviews by pull request number, as `GET …/pulls/{n}/reviews` returns them. */
  reviews: Map<number, { user: { login: string }; state: string }[]>;
  /** Repository permission by login (`admin`, `maintain`, `write`, `triage`, `read`); others are not collaborators. */
  permissions: Map<string, string>;
  /** Issues (not pull requests): numbered from 1000 so they never meet the model's PR numbers. */
  issues: FakeIssue[];
}

/** An issue of the fake, with its comments and their reactions. */
export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  comments: Array<{ id: number; issue: number; body: string; reactions: string[] }>;
}

/** One request as the fake saw it. */
export interface SeenRequest {
  method: string;
  /** Route pattern (`GET /repos/{owner}/{repo}/contents/{path}`) or `POST /graphql <Operation>`. */
  route: string;
  /** Content-changing: non-GET REST (token creation excepted) and GraphQL mutations. */
  mutating: boolean;
  status: number;
  /** `performance.now()` when it arrived. */
  at: number;
}

interface Route {
  method: string;
  pattern: string;
  regex: RegExp;
  handle(req: Request): Promise<Reply> | Reply;
}
interface Request {
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: any;
  /** The installation the bearer token belongs to (installation routes). */
  installationId: number | undefined;
  /** The fault injected into this request, for routes that act on it themselves (`too-quickly`). */
  fault?: Fault;
}
interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Label of a GraphQL request, set by the handler. */
  route?: string;
  mutating?: boolean;
}

/**
 * A fault the fake injects into one request: `fail` answers without doing anything (a 5xx from a
 * proxy), `lost` does the work and then answers 502 (GitHub applied the mutation, the client never
 * heard), `secondary-rate-limit` answers 403 with `retry-after` as GitHub's secondary limit does,
 * `hang` never answers (a crash point: the test stops Courier while the request waits), `crash`
 * does the work and never answers (Courier dies after GitHub applied the mutation), `too-quickly`
 * runs a mutation document but refuses its `createPullRequest` field as GitHub's content-creation
 * limit does (`UNPROCESSABLE` "was submitted too quickly"), after the branch and commit before it in
 * the same document were applied — GitHub does not undo a document's earlier mutations
 * (https://github.com/cli/cli/issues/4801 shows the error as GitHub returns it).
 */
export type Fault = 'fail' | 'lost' | 'secondary-rate-limit' | 'hang' | 'crash' | 'too-quickly';

/** Decides a fault per request from its route label and how many requests came before it. */
export type FaultInjector = (request: { method: string; route: string; index: number }) => Fault | undefined;

/** Routes GitHub answers for the app itself (JWT), not for an installation. */
function appRoute(pattern: string): boolean {
  return pattern.startsWith('/app/') || pattern === '/app/installations' || pattern === '/repos/{owner}/{repo}/installation';
}

const notFound: Reply = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };

/** The running fake. */
export class FakeGitHubServer {
  readonly requests: SeenRequest[] = [];
  readonly repos: FakeRepo[] = [];
  /** Comments Courier wrote on pull requests (issue comments live on their issue). */
  readonly prComments: Array<{ id: number; issue: number; body: string; reactions: string[] }> = [];
  /** Reactions Courier added to comments. */
  readonly reactions: Array<{ comment: number; content: string }> = [];
  /** Installation tokens issued, with their installation. */
  readonly tokens = new Map<string, number>();
  private server!: Server;
  private routes: Route[] = [];
  private checkRunSeq = 1;
  private port = 0;
  /** Set by tests: which requests to break (see `Fault`). */
  faults: FaultInjector | undefined;
  /** Requests left hanging by a `hang` fault; released on close. */
  private hanging: Array<() => void> = [];

  private constructor(inits: FakeRepoInit[]) {
    for (const init of inits) {
      const store = new GitStore(init.bareDir);
      const model = new GitHubModel(store, { owner: init.owner, name: init.name, defaultBranch: init.defaultBranch ?? 'main', id: `R_${init.owner}_${init.name}` }, { clock: () => performance.now() });
      this.repos.push({ init, store, model, checkRuns: [], reviews: new Map(), permissions: new Map(), issues: [] });
    }
    this.routes = this.buildRoutes();
  }

  /** Starts a fake serving `repos` on 127.0.0.1 (a free port). */
  static async start(repos: FakeRepoInit[]): Promise<FakeGitHubServer> {
    const fake = new FakeGitHubServer(repos);
    fake.server = createServer((req, res) => void fake.dispatch(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** `127.0.0.1:<port>`, for `GHE_HOST`. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The environment that points Probot at this fake. */
  get env(): Record<string, string> {
    return { GHE_HOST: this.host, GHE_PROTOCOL: 'http' };
  }

  /** The served repository `owner/name`. */
  repo(owner: string, name: string): FakeRepo {
    const found = this.find(owner, name);
    if (!found) throw new Error(`fake GitHub serves no ${owner}/${name}`);
    return found;
  }

  /**
   * Merges pull request `number` of `owner/name` as GitHub's "rebase and merge" would when the branch is
   * on top of the base: the base moves to the branch head (fast-forward); the PR closes. Returns the new base.
   */
  async merge(owner: string, name: string, number: number): Promise<string> {
    const r = this.repo(owner, name);
    const pr = r.model.prs.find((p) => p.number === number);
    if (!pr || !pr.open) throw new Error(`no open pull request #${number} in ${owner}/${name}`);
    const head = (await r.store.ref(pr.head))!;
    const base = (await r.store.ref(pr.base))!;
    const ancestor = await r.store.git.raw(['merge-base', '--is-ancestor', base, head]).then(() => true, () => false);
    if (!ancestor) throw new Error(`#${number} (${pr.head}) is not on top of ${pr.base}: rebase it first`);
    await r.store.setRef(pr.base, head, base);
    pr.open = false;
    return head;
  }

  /** Pull requests a person opened (`fork`: from a fork Courier cannot push to). */
  private readonly forks = new Set<string>();

  /** Opens a pull request as a person would, for a branch already pushed to the bare repository; returns its number. */
  openPullRequest(owner: string, name: string, pr: { head: string; base?: string; title: string; body?: string; fork?: boolean }): number {
    const r = this.repo(owner, name);
    const number = r.model.prs.length + 1;
    r.model.prs.push({ id: `PR_human_${number}`, number, head: pr.head, base: pr.base ?? 'main', title: pr.title, body: pr.body ?? '', open: true, labels: [], comments: [], autoMerge: false, reviewers: [], createdAt: Date.now() });
    if (pr.fork) this.forks.add(`${owner}/${name}#${number}`);
    return number;
  }

  /** Requests seen since `since` (performance.now()), summed: total, mutating, by route. */
  counts(since = 0): { total: number; mutating: number; byRoute: Record<string, number> } {
    const seen = this.requests.filter((r) => r.at >= since);
    const byRoute: Record<string, number> = {};
    for (const r of seen) byRoute[r.route] = (byRoute[r.route] ?? 0) + 1;
    return { total: seen.length, mutating: seen.filter((r) => r.mutating).length, byRoute };
  }

  /** Stops the server. */
  async close(): Promise<void> {
    for (const release of this.hanging.splice(0)) release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private find(owner: string, name: string): FakeRepo | undefined {
    return this.repos.find((r) => r.init.owner.toLowerCase() === owner.toLowerCase() && r.init.name.toLowerCase() === name.toLowerCase());
  }

  private repositoryJson(r: FakeRepo) {
    const { owner, name } = r.init;
    return {
      id: Math.abs([...`${owner}/${name}`].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7)),
      node_id: r.model.repo.id,
      name,
      full_name: `${owner}/${name}`,
      private: true,
      owner: { login: owner, id: 1, type: 'Organization' },
      html_url: `http://${this.host}/${owner}/${name}`,
      clone_url: pathToFileURL(r.init.bareDir).href,
      default_branch: r.model.repo.defaultBranch,
      archived: false,
    };
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const auth = /^(?:token|bearer) (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    let reply: Reply = notFound;
    let route = `${method} ${url.pathname}`;
    let fault: Fault | undefined;
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text && String(req.headers['content-type']).includes('json') ? JSON.parse(text) : text;
      for (const r of this.routes) {
        const m = r.method === method ? r.regex.exec(url.pathname) : null;
        if (!m) continue;
        route = `${method} ${r.pattern}`;
        const params = Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
        const installationId = auth ? this.tokens.get(auth) : undefined;
        // App routes take the app's JWT; everything else an installation token this fake issued.
        const operation = r.pattern === '/graphql' ? /^\s*(?:query|mutation)\b\s*([A-Za-z_]\w*)?/.exec((body as { query?: string }).query ?? '')?.[1] : undefined;
        const label = operation ? `POST /graphql ${operation}` : `${method} ${r.pattern}`;
        fault = this.faults?.({ method, route: label, index: this.requests.length });
        if (fault === 'hang') {
          await new Promise<void>((resolve) => this.hanging.push(resolve));
          res.destroy();
          return;
        }
        if (!auth || (!appRoute(r.pattern) && installationId === undefined)) reply = { status: 401, body: { message: 'Bad credentials' } };
        else if (fault === 'fail') reply = { status: 502, body: { message: 'Server Error' } };
        else if (fault === 'secondary-rate-limit') reply = { status: 403, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' }, headers: { 'retry-after': '1' } };
        else reply = await r.handle({ params, query: url.searchParams, headers: req.headers, body, installationId, ...(fault ? { fault } : {}) });
        if (fault === 'crash') {
          this.requests.push({ method, route: label, mutating: reply.mutating ?? method !== 'GET', status: 0, at });
          await new Promise<void>((resolve) => this.hanging.push(resolve));
          res.destroy();
          return;
        }
        if (fault === 'lost') reply = { ...reply, status: 502, body: { message: 'Server Error' } };
        if (fault) reply.route = label;
        break;
      }
    } catch (error) {
      reply = { status: 500, body: { message: (error as Error).message } };
    }
    const mutating = reply.mutating ?? (method !== 'GET' && method !== 'HEAD' && !route.endsWith('/access_tokens'));
    this.requests.push({ method, route: reply.route ?? route, mutating, status: reply.status, at });
    const raw = typeof reply.body === 'string';
    res.writeHead(reply.status, {
      'content-type': raw ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      'x-ratelimit-limit': '15000',
      'x-ratelimit-remaining': '14999',
      'x-github-request-id': String(this.requests.length),
      ...reply.headers,
    });
    res.end(raw ? (reply.body as string) : reply.body === undefined ? '' : JSON.stringify(reply.body));
  }

  private buildRoutes(): Route[] {
    const route = (method: string, pattern: string, handle: Route['handle']): Route => {
      const source = pattern.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'path' ? `(?<${name}>.+)` : `(?<${name}>[^/]+)`));
      const prefix = pattern === '/graphql' ? '/api' : '/api/v3';
      return { method, pattern, regex: new RegExp(`^${prefix}${source}$`), handle };
    };
    const inRepo = (handle: (r: FakeRepo, req: Request) => Promise<Reply> | Reply) => (req: Request) => {
      const r = this.find(req.params.owner!, req.params.repo!);
      return r ? handle(r, req) : notFound;
    };
    return [
      route('POST', '/app/installations/{id}/access_tokens', (req) => {
        const id = Number(req.params.id);
        if (!this.repos.some((r) => r.init.installationId === id)) return notFound;
        const token = `ghs_fake${this.tokens.size + 1}x${id}`;
        this.tokens.set(token, id);
        return { status: 201, body: { token, expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: { contents: 'write', pull_requests: 'write', checks: 'write', metadata: 'read' }, repository_selection: 'all' } };
      }),
      route('GET', '/app/installations', () => ({
        status: 200,
        body: [...new Set(this.repos.map((r) => r.init.installationId))].map((id) => ({
          id,
          account: { login: this.repos.find((r) => r.init.installationId === id)!.init.owner, type: 'Organization' },
          app_id: 123,
          target_type: 'Organization',
          suspended_at: null,
        })),
      })),
      route('GET', '/installation/repositories', (req) => {
        const repositories = this.repos.filter((r) => r.init.installationId === req.installationId).map((r) => this.repositoryJson(r));
        return req.installationId === undefined ? { status: 401, body: { message: 'Bad credentials' } } : { status: 200, body: { total_count: repositories.length, repository_selection: 'all', repositories } };
      }),
      route('GET', '/repos/{owner}/{repo}', inRepo((r) => ({ status: 200, body: this.repositoryJson(r) }))),
      route('GET', '/repos/{owner}/{repo}/installation', inRepo((r) => ({ status: 200, body: { id: r.init.installationId, app_id: 123, target_type: 'Organization' } }))),
      route(
        'GET',
        '/repos/{owner}/{repo}/contents/{path}',
        inRepo(async (r, req) => {
          const text = await r.store.readFile(req.query.get('ref') ?? r.model.repo.defaultBranch, req.params.path!);
          if (text === undefined) return notFound;
          if (String(req.headers.accept).includes('raw')) return { status: 200, body: text };
          return { status: 200, body: { type: 'file', encoding: 'base64', path: req.params.path, content: Buffer.from(text).toString('base64') } };
        }),
      ),
      route('GET', '/repos/{owner}/{repo}/labels/{name}', inRepo((r, req) => {
        const id = r.model.labels.get(req.params.name!);
        return id ? { status: 200, body: { node_id: id, name: req.params.name } } : notFound;
      })),
      route('POST', '/repos/{owner}/{repo}/labels', inRepo((r, req) => {
        const label = r.model.createLabel(req.body.name);
        return label.created
          ? { status: 201, body: { node_id: label.id, name: req.body.name, color: req.body.color } }
          : { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }] } };
      })),
      route('POST', '/repos/{owner}/{repo}/check-runs', inRepo((r, req) => {
        const run: FakeCheckRun = { id: this.checkRunSeq++, app: { id: 123 }, started_at: new Date().toISOString(), ...req.body };
        r.checkRuns.push(run);
        return { status: 201, body: run };
      })),
      route('PATCH', '/repos/{owner}/{repo}/check-runs/{id}', inRepo((r, req) => {
        const run = r.checkRuns.find((c) => c.id === Number(req.params.id));
        if (!run) return notFound;
        Object.assign(run, req.body);
        return { status: 200, body: run };
      })),
      route('GET', '/repos/{owner}/{repo}/commits/{ref}/check-runs', inRepo((r, req) => {
        const runs = r.checkRuns.filter((c) => c.head_sha === req.params.ref && (!req.query.get('check_name') || c.name === req.query.get('check_name'))).reverse();
        return { status: 200, body: { total_count: runs.length, check_runs: runs } };
      })),
      route('GET', '/repos/{owner}/{repo}/pulls', inRepo(async (r, req) => {
        const state = req.query.get('state') ?? 'open';
        const prs = r.model.prs.filter((p) => state === 'all' || (state === 'open') === p.open);
        const head = req.query.get('head')?.split(':')[1];
        const listed = prs.filter((p) => head === undefined || p.head === head);
        return { status: 200, body: await Promise.all(listed.map(async (p) => ({ number: p.number, title: p.title, state: p.open ? 'open' : 'closed', html_url: `https://github.example/${r.init.owner}/${r.init.name}/pull/${p.number}`, head: { ref: p.head, sha: (await r.store.ref(p.head)) ?? null }, base: { ref: p.base } }))) };
      })),
      route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', inRepo(async (r, req) => {
        const pr = r.model.prs.find((p) => p.number === Number(req.params.pull_number));
        if (!pr) return notFound;
        const fork = this.forks.has(`${r.init.owner}/${r.init.name}#${pr.number}`);
        const headRepo = { full_name: fork ? `someone/${r.init.name}` : `${r.init.owner}/${r.init.name}` };
        return { status: 200, body: { number: pr.number, state: pr.open ? 'open' : 'closed', title: pr.title, body: pr.body, head: { ref: pr.head, sha: (await r.store.ref(pr.head)) ?? null, repo: headRepo }, base: { ref: pr.base } } };
      })),
      route('PATCH', '/repos/{owner}/{repo}/pulls/{pull_number}', inRepo((r, req) => {
        const pr = r.model.prs.find((p) => p.number === Number(req.params.pull_number));
        if (!pr) return notFound;
        if (typeof req.body.body === 'string') pr.body = req.body.body;
        if (typeof req.body.title === 'string') pr.title = req.body.title;
        if (req.body.state === 'closed') pr.open = false;
        return { status: 200, body: { number: pr.number, title: pr.title, body: pr.body, state: pr.open ? 'open' : 'closed' } };
      })),
      route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/files', inRepo(async (r, req) => {
        const pr = r.model.prs.find((p) => p.number === Number(req.params.pull_number));
        const head = pr ? await r.store.ref(pr.head) : undefined;
        const base = pr ? await r.store.ref(pr.base) : undefined;
        return { status: 200, body: head && base ? (await r.store.changedPaths(base, head)).map((filename) => ({ filename, status: 'modified' })) : [] };
      })),
      route('GET', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews', inRepo((r, req) => ({ status: 200, body: r.reviews.get(Number(req.params.pull_number)) ?? [] }))),
      route('GET', '/repos/{owner}/{repo}/collaborators/{username}/permission', inRepo((r, req) => {
        const permission = r.permissions.get(req.params.username!);
        return permission ? { status: 200, body: { permission: permission === 'maintain' ? 'write' : permission === 'triage' ? 'read' : permission, role_name: permission, user: { login: req.params.username } } } : notFound;
      })),
      route('GET', '/repos/{owner}/{repo}/issues', inRepo((r, req) => {
        const labels = (req.query.get('labels') ?? '').split(',').filter(Boolean);
        const state = req.query.get('state') ?? 'open';
        const found = r.issues.filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)));
        return { status: 200, body: found.map((i) => ({ number: i.number, title: i.title, body: i.body, state: i.state, labels: i.labels.map((name) => ({ name })) })) };
      })),
      route('POST', '/repos/{owner}/{repo}/issues', inRepo((r, req) => {
        const issue: FakeIssue = { number: 1000 + r.issues.length, title: req.body.title, body: req.body.body ?? '', labels: req.body.labels ?? [], state: 'open', comments: [] };
        r.issues.push(issue);
        return { status: 201, body: { number: issue.number, title: issue.title, body: issue.body } };
      })),
      route('PATCH', '/repos/{owner}/{repo}/issues/{issue_number}', inRepo((r, req) => {
        const issue = r.issues.find((i) => i.number === Number(req.params.issue_number));
        if (!issue) return notFound;
        if (typeof req.body.body === 'string') issue.body = req.body.body;
        if (typeof req.body.title === 'string') issue.title = req.body.title;
        return { status: 200, body: { number: issue.number, title: issue.title, body: issue.body } };
      })),
      route('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', inRepo((r, req) => {
        const number = Number(req.params.issue_number);
        const issue = r.issues.find((i) => i.number === number) ?? (r.model.prs.some((p) => p.number === number) ? undefined : null);
        if (issue === null) return notFound;
        const comment = { id: this.checkRunSeq++, issue: number, body: req.body.body as string, reactions: [] as string[] };
        if (issue) issue.comments.push(comment);
        else this.prComments.push(comment);
        return { status: 201, body: { id: comment.id, body: comment.body } };
      })),
      route('POST', '/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', inRepo((_r, req) => {
        this.reactions.push({ comment: Number(req.params.comment_id), content: req.body.content as string });
        return { status: 201, body: { content: req.body.content } };
      })),
      route('GET', '/repos/{owner}/{repo}/commits/{ref}', inRepo(async (r, req) => {
        const date = await r.store.git.raw(['show', '-s', '--format=%cI', req.params.ref!]).catch(() => '');
        return date ? { status: 200, body: { sha: req.params.ref, commit: { committer: { date: date.trim() } } } } : notFound;
      })),
      route('POST', '/graphql', async (req) => {
        const { query, variables = {} } = req.body as { query: string; variables?: Record<string, unknown> };
        const m = /^\s*(query|mutation)\b\s*([A-Za-z_]\w*)?/.exec(query);
        const labels = { route: `POST /graphql ${m?.[2] ?? m?.[1] ?? 'query'}`, mutating: m?.[1] === 'mutation' };
        const repo =
          typeof variables.owner === 'string' && typeof variables.name === 'string'
            ? this.find(variables.owner, variables.name)
            : this.repos.find((r) => r.model.owns(variables));
        if (!repo) return { status: 200, body: { data: null, errors: [{ type: 'NOT_FOUND', message: 'Could not resolve to a Repository' }] }, ...labels };
        return { status: 200, body: await repo.model.graphql(query, variables, req.fault === 'too-quickly' ? { refuse: { mutation: 'createPullRequest', type: 'UNPROCESSABLE', message: 'was submitted too quickly' } } : {}), ...labels };
      }),
    ];
  }
}
