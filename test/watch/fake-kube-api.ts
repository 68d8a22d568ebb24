/**
 * A small but real Kubernetes API server on 127.0.0.1 for the reporter's tests and benchmark:
 * group discovery, paged lists with resourceVersion, watch streams of newline-delimited JSON events,
 * `410 Gone` (as a watch ERROR event or as HTTP 410), dropped connections, and objects served at
 * whichever version of their group is requested (as the API server converts them).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/** An API group and the versions it serves. */
export interface FakeGroup {
  group: string;
  versions: string[];
  preferred: string;
}

interface Stored {
  rv: number;
  obj: Record<string, any>;
}

interface Event {
  rv: number;
  collection: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: Record<string, any>;
}

interface Watcher {
  collection: string;
  version: string;
  group: string;
  res: http.ServerResponse;
}

/** The fake API server; collections are keyed `<group>/<plural>`. */
export class FakeKubeApi {
  url = '';
  /** Every request, as `METHOD path?query`. */
  readonly requests: string[] = [];
  /** How an expired resourceVersion is answered on watch. */
  goneMode: 'event' | 'http' = 'event';
  private server: http.Server | undefined;
  private rv = 100;
  private compactedBelow = 0;
  private readonly collections = new Map<string, Map<string, Stored>>();
  private readonly history: Event[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly failures: Array<{ match: RegExp; status: number }> = [];
  private readonly groups: FakeGroup[];

  constructor(groups: FakeGroup[], private readonly token = 'test-token') {
    this.groups = groups;
  }

  /** Listens on an ephemeral port of 127.0.0.1. */
  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** Closes every connection and the server. */
  async stop(): Promise<void> {
    this.dropWatches();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Writes a kubeconfig pointing at this server (token auth) and returns its path. */
  writeKubeconfig(dir: string): string {
    const file = path.join(dir, 'kubeconfig.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: fake',
        'clusters:',
        `- name: fake\n  cluster:\n    server: ${this.url}`,
        'users:',
        `- name: reporter\n  user:\n    token: ${this.token}`,
        'contexts:',
        '- name: fake\n  context:\n    cluster: fake\n    user: reporter',
        '',
      ].join('\n'),
    );
    return file;
  }

  /** Creates or replaces an object; returns its new resourceVersion. */
  put(group: string, plural: string, obj: Record<string, any>): string {
    const collection = `${group}/${plural}`;
    let map = this.collections.get(collection);
    if (!map) this.collections.set(collection, (map = new Map()));
    const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const type = map.has(key) ? 'MODIFIED' : 'ADDED';
    const rv = ++this.rv;
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(rv);
    map.set(key, { rv, obj: stored });
    this.publish({ rv, collection, type, obj: stored });
    return String(rv);
  }

  /** Deletes an object. */
  delete(group: string, plural: string, namespace: string, name: string): void {
    const collection = `${group}/${plural}`;
    const map = this.collections.get(collection);
    const stored = map?.get(`${namespace}/${name}`);
    if (!stored) return;
    map!.delete(`${namespace}/${name}`);
    const rv = ++this.rv;
    const obj = structuredClone(stored.obj);
    obj.metadata.resourceVersion = String(rv);
    this.publish({ rv, collection, type: 'DELETED', obj });
  }

  /** Changes objects without telling open watches, then forgets history: resuming watches get 410. */
  compactWith(change: () => void): void {
    const open = [...this.watchers];
    for (const w of open) this.watchers.delete(w);
    change();
    this.compactedBelow = this.rv + 1;
    for (const w of open) this.watchers.add(w);
    this.history.length = 0;
  }

  /** Ends every open watch with an expired-resourceVersion ERROR event (what an apiserver does after compaction). */
  expireWatches(): void {
    this.compactedBelow = this.rv + 1;
    this.history.length = 0;
    for (const w of this.watchers) {
      w.res.end(JSON.stringify({ type: 'ERROR', object: goneStatus() }) + '\n');
    }
    this.watchers.clear();
  }

  /** Destroys the sockets of every open watch without a proper end. */
  dropWatches(): void {
    for (const w of this.watchers) w.res.socket?.destroy();
    this.watchers.clear();
  }

  /** The next requests whose `path?query` matches get this HTTP status, once each. */
  failNext(match: RegExp, status: number, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push({ match, status });
  }

  /** Number of open watch streams. */
  get openWatches(): number {
    return this.watchers.size;
  }

  private publish(event: Event): void {
    this.history.push(event);
    for (const w of this.watchers) {
      if (w.collection === event.collection) w.res.write(JSON.stringify({ type: event.type, object: served(event.obj, w.group, w.version) }) + '\n');
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.headers.authorization !== `Bearer ${this.token}`) return status(res, 401, 'Unauthorized');
    const failure = this.failures.findIndex((f) => f.match.test(`${url.pathname}${url.search}`));
    if (failure >= 0) return status(res, this.failures.splice(failure, 1)[0]!.status, 'injected failure');
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] !== 'apis') return status(res, 404, 'not found');
    const group = this.groups.find((g) => g.group === parts[1]);
    if (!group) return status(res, 404, `group ${parts[1]} not served`);
    if (parts.length === 2) {
      return json(res, 200, {
        kind: 'APIGroup',
        apiVersion: 'v1',
        name: group.group,
        versions: group.versions.map((v) => ({ groupVersion: `${group.group}/${v}`, version: v })),
        preferredVersion: { groupVersion: `${group.group}/${group.preferred}`, version: group.preferred },
      });
    }
    const [, , version, plural] = parts;
    if (parts.length !== 4 || !group.versions.includes(version!)) return status(res, 404, 'not found');
    const collection = `${group.group}/${plural}`;
    if (url.searchParams.get('watch') === 'true') return this.watch(res, collection, group.group, version!, url.searchParams);
    const items = [...(this.collections.get(collection)?.values() ?? [])].map((s) => served(s.obj, group.group, version!));
    const limit = Number(url.searchParams.get('limit') ?? 0) || items.length;
    const [offset, listRv] = (url.searchParams.get('continue') ?? `0:${this.rv}`).split(':').map(Number) as [number, number];
    const page = items.slice(offset, offset + limit);
    const more = offset + limit < items.length;
    return json(res, 200, {
      apiVersion: `${group.group}/${version}`,
      kind: 'List',
      metadata: { resourceVersion: String(listRv), ...(more ? { continue: `${offset + limit}:${listRv}` } : {}) },
      items: page,
    });
  }

  private watch(res: http.ServerResponse, collection: string, group: string, version: string, q: URLSearchParams): void {
    const from = Number(q.get('resourceVersion') ?? 0);
    if (from < this.compactedBelow - 1) {
      if (this.goneMode === 'http') return json(res, 410, goneStatus());
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(JSON.stringify({ type: 'ERROR', object: goneStatus() }) + '\n');
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    for (const e of this.history) {
      if (e.collection === collection && e.rv > from) res.write(JSON.stringify({ type: e.type, object: served(e.obj, group, version) }) + '\n');
    }
    res.flushHeaders();
    const watcher: Watcher = { collection, group, version, res };
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
  }
}

function served(obj: Record<string, any>, group: string, version: string): Record<string, any> {
  return { ...obj, apiVersion: `${group}/${version}` };
}

function goneStatus() {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version', reason: 'Expired', code: 410 };
}

function json(res: http.ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(res: http.ServerResponse, code: number, message: string): void {
  json(res, code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code });
}
