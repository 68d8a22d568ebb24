/** A released image: what a registry event, a dispatch or a poll tells Courier. */
export interface Release {
  /** Canonical repository, e.g. `ghcr.io/acme/app` or `docker.io/library/nginx`. */
  repository: string;
  tag: string;
  /** `sha256:…` when known. */
  digest?: string;
  /** Where the release came from (source repo URL, revision), for PR bodies. */
  source?: { url?: string; revision?: string; releaseNotesUrl?: string };
}
