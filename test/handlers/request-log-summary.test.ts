import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { requestBodySummary, summarisingRequestLog } from '../../src/handlers/request-log-summary.ts';

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

  // Serialising a commit's body (every file, base64) costs the event loop tens of milliseconds; at the
  // default level nothing is logged, so nothing must be serialised (issue 13: /healthz tail).
  it('does not serialise a body when debug lines are not logged', () => {
    let serialised = 0;
    const body = { toJSON: () => (serialised++, {}) };
    const lines: string[] = [];
    const destination = { write: (line: string) => lines.push(line) };
    summarisingRequestLog(pino({ level: 'info' }, destination)).debug(body, 'GitHub request: POST /graphql - 200');
    expect(serialised).toBe(0);
    summarisingRequestLog(pino({ level: 'debug' }, destination)).debug(body, 'GitHub request: POST /graphql - 200');
    expect(serialised).toBe(1);
    expect(lines).toHaveLength(1);
  });
});
