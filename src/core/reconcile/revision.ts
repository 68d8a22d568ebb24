/**
 * Flux artifact revisions, as written in `status.artifact.revision`, `lastAppliedRevision` and
 * `lastAttemptedRevision` (fluxcd/pkg/git `ExtractHashFromRevision` semantics; NOTES.md §4.2).
 */

/** A revision split into its parts; `sha` is set only when it names a Git commit. */
export interface ParsedRevision {
  /** Branch, tag or OCI tag before `@` (or before the last `/` in the legacy form). */
  ref?: string;
  /** 40-hex Git commit SHA-1 (lower case). */
  sha?: string;
  /** `sha256:<hex>` content digest of an OCI artifact or a SHA-256 Git object. */
  digest?: string;
}

const SHA1 = /^[0-9a-f]{40}$/i;
const SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Parses `main@sha1:<sha>`, `sha1:<sha>`, legacy `main/<sha>`, a bare 40-hex SHA, and OCI
 * `<tag>@sha256:<digest>` / `sha256:<digest>`. Anything else (chart versions, `master`) → undefined.
 */
export function parseRevision(revision: string | undefined): ParsedRevision | undefined {
  if (!revision) return undefined;
  const at = revision.lastIndexOf('@');
  const ref = at > 0 ? revision.slice(0, at) : undefined;
  const rest = at >= 0 ? revision.slice(at + 1) : revision;
  const colon = rest.indexOf(':');
  if (colon > 0) {
    const algo = rest.slice(0, colon);
    const hex = rest.slice(colon + 1);
    if (algo === 'sha1' && SHA1.test(hex)) return withRef({ sha: hex.toLowerCase() }, ref);
    if (algo === 'sha256' && SHA256.test(hex)) return withRef({ digest: `sha256:${hex.toLowerCase()}` }, ref);
    return undefined;
  }
  if (at >= 0) return undefined;
  if (SHA1.test(revision)) return { sha: revision.toLowerCase() };
  // Pre-Flux-2.0 form `<branch>/<sha>`; the branch itself may contain slashes.
  const slash = revision.lastIndexOf('/');
  if (slash > 0 && SHA1.test(revision.slice(slash + 1))) {
    return { ref: revision.slice(0, slash), sha: revision.slice(slash + 1).toLowerCase() };
  }
  return undefined;
}

/** The Git commit a revision names, or undefined when it names none. */
export function commitOf(revision: string | undefined): string | undefined {
  return parseRevision(revision)?.sha;
}

function withRef(parsed: ParsedRevision, ref: string | undefined): ParsedRevision {
  return ref ? { ref, ...parsed } : parsed;
}
