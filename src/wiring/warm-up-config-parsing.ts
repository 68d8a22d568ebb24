/**
 * The first config parse of a process, done at boot instead of on the first webhook. V8 compiles
 * functions on their first call, so a process's first `yaml` parse and schema validation cost more
 * than the later ones (standalone: 11 ms for the first parse of a small config, 4.5 ms for the next,
 * under 1 ms once warm; more on a loaded 2-core machine), and in the robustness bench that cost fell
 * inside the first delivery's handling, where the burst's slowest `/healthz` answers were (issue 13,
 * item 8). Parsing a representative config once before the server listens moves it to startup.
 */
import { parse } from 'yaml';
import type { AppDeps } from '../app-deps.ts';

/** A config using the sections most repositories use; it must stay valid (a test checks it). */
export const WARM_UP_CONFIG = `# Courier's boot-time warm-up config (src/wiring/warm-up-config-parsing.ts).
environments:
  - name: dev
    clusters: [dev-1, dev-2]
    paths: ["clusters/dev-*/**", "apps/*/overlays/dev/**"]
    autoMerge: true
  - name: prod
    clusters: [prod-1]
    paths: ["clusters/prod-*/**", "apps/*/overlays/prod/**"]
    gates:
      soak: 30m
      approval: true
    windows:
      - days: [mon, tue, wed, thu]
        start: "09:00"
        end: "16:00"
        timeZone: Europe/Berlin
images:
  - repository: ghcr.io/acme/app
    policy:
      semver:
        range: ">=1.0.0 <2.0.0"
  - repository: ghcr.io/acme/worker
    policy:
      numerical:
        order: asc
    filterTags:
      pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)'
      extract: '$ts'
pullRequests:
  labels: [courier, gitops]
`;

/** Parses and validates `WARM_UP_CONFIG` as a repository's config would be (the plugin's `yaml.parse`); returns whether it was valid. */
export function warmUpConfigParsing(validateConfig: AppDeps['validateConfig']): boolean {
  return validateConfig(parse(WARM_UP_CONFIG, { logLevel: 'error' }) as unknown).ok;
}
