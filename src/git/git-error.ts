/** A git command that failed; the message carries git's stderr with every secret already redacted. */
export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
  constructor(
    message: string,
    /** The git subcommand that failed (`clone`, `fetch`, `cat-file`…), for logs and metrics. */
    readonly command: string,
    /** True when the message shows a damaged local object store, which a fresh clone repairs. */
    readonly corruption: boolean,
  ) {
    super(message);
  }
}

/**
 * git's wordings for a damaged or incomplete local repository (see object-file.c, packfile.c,
 * fetch-pack.c). Network or permission failures must not match: re-cloning would not help them.
 */
const CORRUPTION = [
  /\bcorrupt/i,
  /\bbad object\b/i,
  /\bmissing (blob|tree|commit|object)\b/i,
  /unable to read (tree|commit|[0-9a-f]{40})/i,
  /\binvalid (object|sha1 pointer|index-pack|index file)/i,
  /\bpack(file)? .* (does not match|is far too short|not a git packfile)/i,
  /\bnon-monotonic index\b/i,
  /\bnot a git repository\b/i,
  /\bbad (packed )?object header\b/i,
  /\bfailed to read object\b/i,
  /\bobject file .* is empty\b/i,
  /\bunable to parse (commit|object)\b/i,
  /\bunable to unpack\b/i,
  /\bcannot read existing object\b/i,
  /\binflate: data stream error\b/i,
  /\bindex-pack failed\b/i,
];

/** Whether a git error message shows a damaged local repository rather than a remote or auth problem. */
export function isCorruption(message: string): boolean {
  return CORRUPTION.some((re) => re.test(message));
}
