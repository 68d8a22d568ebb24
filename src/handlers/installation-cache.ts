/**
 * A short-lived memory of each installation's repository list and each repository's loaded config,
 * so a burst of release events (100 images pushed by one pipeline) costs one listing and one config
 * read per repository instead of one per event. Entries expire after a TTL and are dropped as soon
 * as a push changes the config or the installation's repositories change; the resync reads fresh.
 * Loads are shared while in flight: fifty announcements that arrive together wait for the one read
 * the first of them started, so a burst costs one config read per repository, not one per event.
 */
import type { LoadedConfig } from '../github/config-loader.ts';
import type { RepositoryLike } from './fan-out.ts';

/** How long a listing or a config is trusted without hearing about a change. */
const DEFAULT_CACHE_TTL_MS = 60_000;

interface Entry<T> {
  value: Promise<T>;
  expires: number;
}

/** Repository lists per installation and configs per repository, with a TTL. */
export class InstallationCache {
  readonly #repositories = new Map<number, Entry<RepositoryLike[]>>();
  readonly #configs = new Map<string, Entry<LoadedConfig>>();

  constructor(private readonly options: { now: () => Date; ttlMs?: number }) {}

  /** The cached repository list of an installation, or what `load` returns (then cached). */
  async repositories(installationId: number, load: () => Promise<RepositoryLike[]>): Promise<RepositoryLike[]> {
    return this.#get(this.#repositories, installationId, load);
  }

  /** The cached config of a repository, or what `load` returns (then cached). */
  async config(installationId: number, owner: string, repo: string, load: () => Promise<LoadedConfig>): Promise<LoadedConfig> {
    return this.#get(this.#configs, configKey(installationId, owner, repo), load);
  }

  /** Forgets a repository's config (its config file changed). */
  forgetConfig(installationId: number, owner: string, repo: string): void {
    this.#configs.delete(configKey(installationId, owner, repo));
  }

  /** Forgets an installation's listing and configs (repositories added or removed, organisation defaults changed). */
  forgetInstallation(installationId: number): void {
    this.#repositories.delete(installationId);
    for (const key of this.#configs.keys()) if (key.startsWith(`${installationId}/`)) this.#configs.delete(key);
  }

  async #get<K, T>(map: Map<K, Entry<T>>, key: K, load: () => Promise<T>): Promise<T> {
    const now = this.options.now().getTime();
    const hit = map.get(key);
    if (hit && hit.expires > now) return hit.value;
    const entry: Entry<T> = { value: load(), expires: now + (this.options.ttlMs ?? DEFAULT_CACHE_TTL_MS) };
    map.set(key, entry);
    // A failed load is not remembered: the next event reads again.
    entry.value.catch(() => {
      if (map.get(key) === entry) map.delete(key);
    });
    return entry.value;
  }
}

function configKey(installationId: number, owner: string, repo: string): string {
  return `${installationId}/${owner}/${repo}`.toLowerCase();
}
