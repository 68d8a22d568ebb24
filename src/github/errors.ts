/**
 * Typed errors of the GitHub adapter. Only `github-client.ts` looks at HTTP status codes and GraphQL
 * error types; everything above it reasons with these classes. Each carries the repository and what
 * was attempted, so a log line or a PR comment can say where it failed.
 */

/** One entry of a GraphQL `errors` array, as GitHub returns it. */
export interface GraphQLErrorDetail {
  type?: string;
  message: string;
  path?: Array<string | number>;
}

/** What every adapter error carries. */
export interface GitHubErrorInit {
  /** `owner/repo`, or `''` when the call is not about one repository. */
  repo: string;
  /** The route or GraphQL operation that failed, e.g. `POST /repos/{owner}/{repo}/labels`. */
  attempted: string;
  status?: number;
  /** GraphQL errors, when the failure came from a GraphQL document. */
  errors?: GraphQLErrorDetail[];
  /** Partial GraphQL data returned alongside the errors. */
  data?: unknown;
  cause?: unknown;
}

/** Base class: a GitHub call failed; `transient` says whether retrying the same work can help. */
export class GitHubError extends Error {
  readonly repo: string;
  readonly attempted: string;
  readonly status: number | undefined;
  readonly errors: GraphQLErrorDetail[];
  readonly data: unknown;
  readonly transient: boolean = false;

  constructor(message: string, init: GitHubErrorInit) {
    super(`${init.repo ? `${init.repo}: ` : ''}${init.attempted}: ${message}`, { cause: init.cause });
    this.name = new.target.name;
    this.repo = init.repo;
    this.attempted = init.attempted;
    this.status = init.status;
    this.errors = init.errors ?? [];
    this.data = init.data;
  }
}

/** The repository, ref, user, team or pull request does not exist (or is invisible to the app). */
export class NotFound extends GitHubError {}

/**
 * A compare-and-swap lost: a ref moved (`expectedHeadOid`), a ref or pull request already exists.
 * Transient: re-read and try again.
 */
export class Conflict extends GitHubError {
  override readonly transient = true;
}

/** Primary or secondary rate limit; `resetAt` is when GitHub says to come back, when it says. */
export class RateLimited extends GitHubError {
  override readonly transient = true;
  readonly resetAt: Date | null;

  constructor(message: string, init: GitHubErrorInit & { resetAt: Date | null }) {
    super(message, init);
    this.resetAt = init.resetAt;
  }
}

/** The app lacks a permission or the action is not allowed for it. */
export class Forbidden extends GitHubError {}

/** GitHub refused the input (422 or a GraphQL `UNPROCESSABLE`), e.g. auto-merge not allowed. */
export class ValidationFailed extends GitHubError {}

/** GitHub itself failed (5xx) or the error is of a kind not listed above. */
export class GitHubUnavailable extends GitHubError {
  override readonly transient = true;
}

/**
 * The proposal was planned from file contents the base branch no longer has: writing it would
 * silently undo someone else's change. Not retried here; the caller re-plans from the fresh base.
 */
export class StaleProposal extends GitHubError {}
