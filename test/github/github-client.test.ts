import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { Conflict, Forbidden, NotFound, RateLimited, ValidationFailed } from '../../src/github/errors.ts';
import { countingClient, describeGraphQL, fromGraphQLErrors } from '../../src/github/github-client.ts';
import { API, REPO, makeClient, restLabel } from './github-fixtures.ts';
import { useStrictNock } from '../support/strict-nock.ts';

useStrictNock();

describe('fromOctokit error mapping', () => {
  const route = 'GET /repos/{owner}/{repo}/labels/{name}';
  const call = () => makeClient().request(route, { ...REPO, name: 'courier' });

  it('404 → NotFound carrying owner/repo and the route', async () => {
    nock(API).get('/repos/acme/gitops/labels/courier').reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFound);
    expect(error).toMatchObject({ repo: 'acme/gitops', attempted: route, status: 404 });
  });

  it('403 with x-ratelimit-remaining 0 → RateLimited with the reset time', async () => {
    nock(API)
      .get('/repos/acme/gitops/labels/courier')
      .reply(403, { message: 'API rate limit exceeded for installation ID 1.' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1795000000' });
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).resetAt?.toISOString()).toBe(new Date(1795000000 * 1000).toISOString());
    expect((error as RateLimited).transient).toBe(true);
  });

  it('403 secondary rate limit without retry-after → RateLimited, come back in no less than a minute', async () => {
    nock(API)
      .get('/repos/acme/gitops/labels/courier')
      .reply(403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' });
    const before = Date.now();
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).resetAt!.getTime() - before).toBeGreaterThanOrEqual(60_000);
  });

  it('403 without rate-limit headers → Forbidden; 422 other → ValidationFailed; 409 → Conflict', async () => {
    nock(API).get('/repos/acme/gitops/labels/courier').reply(403, { message: 'Resource not accessible by integration' });
    await expect(call()).rejects.toBeInstanceOf(Forbidden);
    nock(API).get('/repos/acme/gitops/labels/courier').reply(422, { message: 'Validation Failed', errors: [{ resource: 'Label', code: 'invalid', field: 'color' }] });
    await expect(call()).rejects.toBeInstanceOf(ValidationFailed);
    nock(API).get('/repos/acme/gitops/labels/courier').reply(409, { message: 'Git Repository is empty.' });
    await expect(call()).rejects.toBeInstanceOf(Conflict);
  });

  it('GraphQL errors in a 200 answer are classified by type and message', async () => {
    nock(API)
      .post('/graphql')
      .reply(200, { data: { repository: null }, errors: [{ type: 'NOT_FOUND', path: ['repository'], message: "Could not resolve to a Repository with the name 'acme/gone'." }] });
    const error = await makeClient().graphql('query CourierX($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id } }', { owner: 'acme', name: 'gone' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFound);
    expect(error).toMatchObject({ repo: 'acme/gone', attempted: 'POST /graphql CourierX', data: { repository: null } });
    // GitHub's primary GraphQL limit answers 200 with RATE_LIMITED; its headers say when to come back.
    nock(API)
      .post('/graphql')
      .reply(200, { data: null, errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded for installation ID 1.' }] }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1795000000' });
    const limited = await makeClient().graphql('query CourierX { viewer { login } }').catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimited);
    expect((limited as RateLimited).resetAt?.toISOString()).toBe(new Date(1795000000 * 1000).toISOString());
    const where = { repo: 'acme/gitops', attempted: 'x' };
    expect(fromGraphQLErrors([{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }], where)).toBeInstanceOf(Forbidden);
    expect(fromGraphQLErrors([{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }], where)).toBeInstanceOf(RateLimited);
    expect(fromGraphQLErrors([{ type: 'UNPROCESSABLE', message: 'No commits between main and x' }], where)).toBeInstanceOf(ValidationFailed);
    // GitHub's content-creation limit comes as UNPROCESSABLE inside the document (cli/cli#4801's wording).
    const before = Date.now();
    const tooQuickly = fromGraphQLErrors([{ type: 'UNPROCESSABLE', path: ['pr'], message: 'was submitted too quickly' }], where);
    expect(tooQuickly).toBeInstanceOf(RateLimited);
    expect(tooQuickly.transient).toBe(true);
    expect((tooQuickly as RateLimited).resetAt!.getTime() - before).toBeGreaterThanOrEqual(60_000);
    expect(
      fromGraphQLErrors([{ type: 'UNPROCESSABLE', message: 'Auto merge is not allowed' }, { message: 'Expected branch to point to "abc" but it did not. Pull and try again.' }], where),
    ).toBeInstanceOf(Conflict);
  });
});

describe('request counting', () => {
  it('counts total and mutating requests, failed ones included', async () => {
    nock(API).post('/repos/acme/gitops/labels').reply(201, restLabel('courier', 'LA_1'));
    nock(API).get('/repos/acme/gitops/labels/courier').reply(404, { message: 'Not Found' });
    nock(API).post('/graphql').reply(200, { data: { viewer: { login: 'courier[bot]' } } });
    nock(API).post('/graphql').reply(200, { data: { addComment: { clientMutationId: null } } });
    const { client, counts } = countingClient(makeClient());
    await client.request('POST /repos/{owner}/{repo}/labels', { ...REPO, name: 'courier', color: 'ededed' });
    await client.request('GET /repos/{owner}/{repo}/labels/{name}', { ...REPO, name: 'courier' }).catch(() => undefined);
    await client.graphql('query CourierViewer { viewer { login } }');
    await client.graphql('mutation CourierComment($c: AddCommentInput!) { addComment(input: $c) { clientMutationId } }', { c: { subjectId: 'x', body: 'y' } });
    expect(counts).toEqual({ total: 4, mutating: 2 });
    expect(describeGraphQL('{ viewer { login } }')).toEqual({ route: 'POST /graphql query', mutating: false });
  });
});
