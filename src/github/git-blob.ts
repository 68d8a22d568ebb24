/** Git object ids computed locally, so Courier can compare file contents with GitHub without fetching them. */
import { createHash } from 'node:crypto';

/** The SHA-1 blob id Git (and GitHub's `TreeEntry.oid`) gives `text` encoded as UTF-8. */
export function gitBlobOid(text: string): string {
  return gitBlobOidOfBytes(Buffer.from(text, 'utf8'));
}

/** The same id for content already encoded (saves a second UTF-8 encoding when the bytes are needed anyway). */
export function gitBlobOidOfBytes(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
