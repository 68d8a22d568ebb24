/** The in-memory `ModelStore`: commits and refs in Maps, file contents as blob ids only. */
import { createHash } from 'node:crypto';
import { gitBlobOid } from '../../src/github/git-blob.ts';
import type { FileChanges, ModelCommit, ModelStore } from './github-model.ts';

/** Commits and refs in Maps; file contents as blob ids only. */
export class MemoryStore implements ModelStore {
  readonly commits = new Map<string, ModelCommit & { files: Map<string, string> }>();
  readonly refs = new Map<string, string>();
  private seq = 0;

  constructor(baseFiles: Record<string, string>, baseBranch = 'main') {
    const files = new Map(Object.entries(baseFiles).map(([p, t]) => [p, gitBlobOid(t)]));
    const oid = this.oid();
    this.commits.set(oid, { oid, parent: null, message: 'base', files, changed: files.size, verified: false });
    this.refs.set(baseBranch, oid);
  }

  private oid(): string {
    return createHash('sha1').update(`commit ${this.seq++}`).digest('hex');
  }

  async ref(branch: string) {
    return this.refs.get(branch);
  }
  async setRef(branch: string, oid: string, expected?: string | null) {
    if (expected !== undefined && (this.refs.get(branch) ?? null) !== expected) return false;
    this.refs.set(branch, oid);
    return true;
  }
  async deleteRef(branch: string) {
    this.refs.delete(branch);
  }
  async commit(oid: string) {
    return this.commits.get(oid);
  }
  async blobs(oid: string, paths: string[]) {
    const files = this.commits.get(oid)?.files ?? new Map<string, string>();
    return Object.fromEntries(paths.map((p) => [p, files.get(p) ?? null]));
  }
  async writeCommit(parentOid: string, changes: FileChanges, message: string) {
    const parent = this.commits.get(parentOid)!;
    const files = new Map(parent.files);
    for (const a of changes.additions) files.set(a.path, gitBlobOid(Buffer.from(a.contents, 'base64').toString('utf8')));
    for (const d of changes.deletions) files.delete(d.path);
    const changed = [...new Set([...files.keys(), ...parent.files.keys()])].filter((p) => files.get(p) !== parent.files.get(p)).length;
    const oid = this.oid();
    this.commits.set(oid, { oid, parent: parentOid, message, files, changed, verified: true });
    return oid;
  }
}
