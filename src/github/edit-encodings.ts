/**
 * Each edit of a proposal encoded once, before the write path decides anything: the blob ids of its
 * `before` and `after` (to compare with what GitHub holds) and the base64 of its `after` (what
 * `createCommitOnBranch` takes). A group commit over a large fleet carries megabytes of file texts;
 * encoding and hashing them in one synchronous loop held the App's event loop ~30 ms per attempt
 * (a profile of the 200-delivery burst, issue 13), so the loop yields between slices, and the
 * encodings serve every compare-and-swap attempt instead of being redone by each.
 */
import type { FileEdit, Proposal } from '../core/proposal/proposal.ts';
import { yieldEvery } from '../event-loop-yield.ts';
import { gitBlobOid, gitBlobOidOfBytes } from './git-blob.ts';

/** An edit's encodings; null where the side is absent (a file created or deleted). */
export interface EditEncoding {
  beforeOid: string | null;
  afterOid: string | null;
  afterBase64: string | null;
}

/** The encodings of a proposal's edits, by edit; an edit not encoded yet is encoded on first use. */
export class EditEncodings {
  readonly #byEdit = new WeakMap<FileEdit, EditEncoding>();

  /** Encodes every edit of `proposal`, yielding to the event loop once a slice of time is spent. */
  static async of(proposal: Proposal): Promise<EditEncodings> {
    const encodings = new EditEncodings();
    const pause = yieldEvery();
    for (const commit of proposal.commits) {
      for (const edit of commit.edits) {
        const due = pause();
        if (due) await due;
        encodings.of(edit);
      }
    }
    return encodings;
  }

  of(edit: FileEdit): EditEncoding {
    let encoding = this.#byEdit.get(edit);
    if (!encoding) {
      const bytes = edit.after === null ? null : Buffer.from(edit.after, 'utf8');
      encoding = {
        beforeOid: edit.before === null ? null : gitBlobOid(edit.before),
        afterOid: bytes === null ? null : gitBlobOidOfBytes(bytes),
        afterBase64: bytes === null ? null : bytes.toString('base64'),
      };
      this.#byEdit.set(edit, encoding);
    }
    return encoding;
  }
}
