/**
 * The one error type of the SOPS core. It names the file (repo-relative) and, where known, the line;
 * its message never holds a plaintext value or a private key, so it can go to logs, check runs and PRs.
 */

/** Why a SOPS operation failed; `mac-decrypt`, `value-decrypt` and `mac-mismatch` follow FORMAT.md §5. */
export type SopsErrorCode =
  | 'malformed'
  | 'no-key'
  | 'mac-decrypt'
  | 'mac-mismatch'
  | 'no-mac'
  | 'value-decrypt'
  | 'unsupported'
  | 'not-encrypted';

export class SopsError extends Error {
  constructor(
    readonly code: SopsErrorCode,
    readonly file: string,
    readonly reason: string,
    readonly line?: number,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${reason}`);
    this.name = 'SopsError';
  }
}
