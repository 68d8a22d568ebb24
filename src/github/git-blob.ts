/** Git object ids computed locally, so Courier can compare file contents with GitHub without fetching them. */
import { createHash } from 'node:crypto';

/** The SHA-1 blob id Git (and GitHub's `TreeEntry.oid`) gives `text` encoded as UTF-8. */
export function gitBlobOid(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
