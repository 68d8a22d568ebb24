/**
 * The in-memory GitHub model (`test/support/github-model.ts`) served through nock for the
 * concurrency tests: POST /graphql only, commits and refs in memory.
 */
import nock from 'nock';
import { GitHubModel, type ModelPr } from '../support/github-model.ts';
import { MemoryStore } from '../support/memory-store.ts';
import { API } from './github-fixtures.ts';

/** The model over a MemoryStore, with a count of mutating documents. */
export class FakeGitHub {
  readonly store: MemoryStore;
  readonly model: GitHubModel;
  mutatingRequests = 0;

  constructor(baseFiles: Record<string, string>) {
    this.store = new MemoryStore(baseFiles);
    this.model = new GitHubModel(this.store, { owner: 'acme', name: 'gitops', defaultBranch: 'main' }, { knownLabels: ['courier'] });
  }

  get commits() {
    return this.store.commits;
  }
  get refs() {
    return this.store.refs;
  }
  get prs(): ModelPr[] {
    return this.model.prs;
  }

  /** Serves POST /graphql until `nock.cleanAll()`. */
  serve(): void {
    nock(API)
      .persist()
      .post('/graphql')
      .reply(200, (_uri, body) => {
        const { query, variables } = body as { query: string; variables: Record<string, unknown> };
        if (/^\s*mutation/.test(query)) this.mutatingRequests++;
        return this.model.graphql(query, variables);
      });
  }

  /** File text blob id on a branch, or undefined. */
  blobOn(branch: string, path: string): string | undefined {
    const oid = this.refs.get(branch);
    return oid ? this.commits.get(oid)?.files.get(path) : undefined;
  }
}
