/**
 * Typed errors of the registry adapter. Nothing above `src/registry/` reads HTTP status codes:
 * callers retry `RegistryUnavailable` later and show the terminal ones to the user.
 */

/** Base class: every registry error names the repository it was about. */
export class RegistryError extends Error {
  constructor(
    message: string,
    readonly repository: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Transient: 5xx, 429, network failure. Worth retrying later; `retryAfterMs` when the registry said so. */
export class RegistryUnavailable extends RegistryError {
  constructor(
    message: string,
    repository: string,
    readonly retryAfterMs?: number,
  ) {
    super(message, repository);
  }
}

/** Terminal: credentials missing, refused or not allowed to read the repository. */
export class RegistryAuthError extends RegistryError {}

/** Terminal: the registry does not know the repository (or the tag, when `tag` is set). */
export class RepositoryNotFound extends RegistryError {
  constructor(
    message: string,
    repository: string,
    readonly tag?: string,
  ) {
    super(message, repository);
  }
}

/** Terminal: the registry answered something that is not the distribution API (bad JSON, foreign Link). */
export class RegistryProtocolError extends RegistryError {}
