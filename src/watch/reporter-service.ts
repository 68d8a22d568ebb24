/**
 * The reporter assembled from its parts: discovery → one watcher per Flux kind → store and
 * interpretation → sender. Everything comes in as arguments, so tests run it against a fake API server.
 */
import type { KubeConnection } from './kube-connection.ts';

/** What watching needs of the connection (KubeConnection.watch). */
type Watch = Pick<KubeConnection, 'watch'>;
import { discoverFluxResources } from './discovery.ts';
import { FluxStore } from './flux-store.ts';
import type { Logger } from './logger.ts';
import type { ReportSender } from './report-sender.ts';
import { ResourceWatcher, type ResourceWatcherOptions } from './resource-watcher.ts';

/** What the reporter runs on. */
export interface ReporterServiceDeps {
  getJson(path: string): Promise<unknown>;
  watch: Watch;
  sender: Pick<ReportSender, 'offer' | 'start' | 'stop'>;
  log: Logger;
  watcherOptions?: Omit<ResourceWatcherOptions, 'log'>;
}

/** A running reporter. */
export interface RunningReporter {
  watchers: ResourceWatcher[];
  store: FluxStore;
  stop(): Promise<void>;
}

/** Discovers the Flux kinds, starts watching them and resolves once every first list was processed. */
export async function startReporterService(deps: ReporterServiceDeps): Promise<RunningReporter> {
  const { resources, missing } = await discoverFluxResources(deps.getJson);
  for (const why of missing) deps.log.warn('not watching', { why });
  if (resources.length === 0) throw new Error('no Flux API served by this cluster; is Flux installed?');
  const store = new FluxStore((key, object) => deps.sender.offer(key, object), deps.log);
  const handlers = { upsert: store.upsert.bind(store), remove: store.remove.bind(store) };
  const watchers = resources.map(
    (r) => new ResourceWatcher(r, deps.getJson, deps.watch, handlers, { log: deps.log, ...deps.watcherOptions }),
  );
  deps.log.info('watching', { resources: resources.map((r) => `${r.kind} ${r.group}/${r.version}`) });
  await Promise.all(watchers.map((w) => w.start()));
  deps.sender.start();
  return {
    watchers,
    store,
    async stop() {
      await Promise.all(watchers.map((w) => w.stop()));
      await deps.sender.stop();
    },
  };
}
