import { describe, expect, it } from 'vitest';
import { requestBodySummary } from '../../src/handlers/request-log-summary.ts';

describe('requestBodySummary', () => {
  it('names the GraphQL operation, the size and the paths of a commit mutation, never the contents', () => {
    const body = {
      query: 'mutation CourierPublish($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }',
      variables: { input: { fileChanges: { additions: [{ path: 'clusters/dev/app.yaml', contents: Buffer.from('secret-ish: value\n').toString('base64') }], deletions: [{ path: 'old.yaml' }] } } },
    };
    const summary = requestBodySummary(body);
    expect(summary).toEqual({ operation: 'CourierPublish', bytes: Buffer.byteLength(JSON.stringify(body)), paths: ['clusters/dev/app.yaml', 'old.yaml'] });
    expect(JSON.stringify(summary)).not.toContain(Buffer.from('secret-ish: value\n').toString('base64'));
  });

  it('gives the size of a REST body', () => {
    const body = { name: 'courier/config', output: { summary: 'long text' } };
    expect(requestBodySummary(body)).toEqual({ bytes: JSON.stringify(body).length });
  });
});
