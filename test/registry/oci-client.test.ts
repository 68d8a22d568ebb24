import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  RegistryAuthError,
  RegistryProtocolError,
  RegistryUnavailable,
  RepositoryNotFound,
} from '../../src/registry/errors.ts';
import { createRegistryClient, listTags } from '../../src/registry/oci-client.ts';
import { FAST_RETRY, useFakeRegistry } from './fake-registry.ts';

const fast = FAST_RETRY;
const start = useFakeRegistry();

const TAGS = ['1.0.0', '1.1.0', '1.2.0', '2.0.0', 'latest'];

describe('listTags against a fake registry', () => {
  it('does the token handshake with credentials once and follows relative Link pages', async () => {
    const r = await start({
      tags: { 'acme/app': TAGS },
      auth: { username: 'ci', password: 'pw' },
      links: 'relative',
      defaultPageSize: 2,
    });
    const tags = await listTags(`${r.host}/acme/app`, {
      ...fast,
      credentials: { [r.host]: { username: 'ci', password: 'pw' } },
    });
    expect(tags).toEqual(TAGS);
    expect(r.requests).toEqual([
      { method: 'GET', path: '/v2/acme/app/tags/list' },
      {
        method: 'GET',
        path: '/token?service=fake-registry&scope=repository%3Aacme%2Fapp%3Apull',
        authorization: `Basic ${Buffer.from('ci:pw').toString('base64')}`,
      },
      { method: 'GET', path: '/v2/acme/app/tags/list', authorization: 'Bearer tok-1' },
      { method: 'GET', path: '/v2/acme/app/tags/list?n=2&last=1.1.0', authorization: 'Bearer tok-1' },
      { method: 'GET', path: '/v2/acme/app/tags/list?n=2&last=2.0.0', authorization: 'Bearer tok-1' },
    ]);
  });

  it('follows absolute Link targets of registry-sized pages and takes an anonymous access_token', async () => {
    const r = await start({
      tags: { 'team/svc': TAGS },
      auth: { tokenField: 'access_token' },
      links: 'absolute',
      defaultPageSize: 3,
    });
    expect(await listTags(`${r.host}/team/svc`, fast)).toEqual(TAGS);
    const token = r.requests.filter((q) => q.path.startsWith('/token'));
    expect(token).toEqual([{ method: 'GET', path: '/token?service=fake-registry&scope=repository%3Ateam%2Fsvc%3Apull' }]);
    expect(r.requests.at(-1)).toEqual({ method: 'GET', path: '/v2/team/svc/tags/list?n=3&last=1.2.0', authorization: 'Bearer tok-1' });
  });

  it('pages with n and last when the registry sends no Link', async () => {
    const r = await start({ tags: { 'acme/app': TAGS }, links: 'none' });
    expect(await listTags(`${r.host}/acme/app`, { ...fast, pageSize: 2 })).toEqual(TAGS);
    expect(r.requests.map((q) => q.path)).toEqual([
      '/v2/acme/app/tags/list?n=2',
      '/v2/acme/app/tags/list?n=2&last=1.1.0',
      '/v2/acme/app/tags/list?n=2&last=2.0.0',
    ]);
  });

  it('reuses a token across calls of one client', async () => {
    const r = await start({ tags: { 'acme/app': TAGS }, auth: {} });
    const client = createRegistryClient(fast);
    await client.listTags(`${r.host}/acme/app`);
    await client.listTags(`${r.host}/acme/app`);
    expect(r.requests.filter((q) => q.path.startsWith('/token'))).toHaveLength(1);
    expect(r.requests.filter((q) => q.path.startsWith('/v2/'))).toHaveLength(3);
  });

  it('fetches a new token once the cached one has expired', async () => {
    const r = await start({ tags: { 'acme/app': TAGS }, auth: {} });
    let clock = Date.parse('2026-11-21T12:00:00Z');
    const client = createRegistryClient({ ...fast, now: () => clock });
    await client.listTags(`${r.host}/acme/app`);
    clock += 299_000; // the fake issues 300 s tokens; the client renews 5 s early
    await client.listTags(`${r.host}/acme/app`);
    expect(r.requests.filter((q) => q.path.startsWith('/token'))).toHaveLength(2);
    expect(r.requests.at(-1)?.authorization).toBe('Bearer tok-2');
  });

  it('fails with RegistryAuthError on refused credentials, never showing them', async () => {
    const r = await start({ tags: { 'acme/app': TAGS }, auth: { username: 'ci', password: 'pw' } });
    const err = await listTags(`${r.host}/acme/app`, {
      ...fast,
      credentials: { [r.host]: { username: 'ci', password: 'hunter2' } },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryAuthError);
    expect(err).toMatchObject({ repository: `${r.host}/acme/app` });
    expect(String((err as Error).message)).not.toContain('hunter2');
    expect(r.requests.filter((q) => q.path.startsWith('/token'))).toHaveLength(1);
  });

  it('gives up on a registry that accepts the connection but never answers', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const err = await listTags(`127.0.0.1:${port}/acme/app`, { ...fast, retry: { retries: 1, minTimeout: 1 }, timeoutMs: 50 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RegistryUnavailable);
      expect((err as Error).message).toBe(`cannot reach 127.0.0.1:${port}: no answer within 50 ms`);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('gives up on a registry that stops in the middle of its answer', async () => {
    const stalling = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"tags": ["1.0.0",');
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    const { port } = stalling.address() as AddressInfo;
    try {
      const err = await listTags(`127.0.0.1:${port}/acme/app`, { ...fast, timeoutMs: 50 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RegistryUnavailable);
      expect((err as Error).message).toBe('registry answer broke off: no complete answer in time');
    } finally {
      stalling.closeAllConnections();
      await new Promise((resolve) => stalling.close(resolve));
    }
  });

  it('gives up, as unavailable, on a token service that stops in the middle of its answer', async () => {
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/token')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"token": "tok');
        return;
      }
      const { port } = server.address() as AddressInfo;
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="fake"` }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const err = await listTags(`127.0.0.1:${port}/acme/app`, { ...fast, timeoutMs: 50 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RegistryUnavailable);
      expect((err as Error).message).toBe(`token service 127.0.0.1:${port} broke off its answer: no answer within 50 ms`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('maps 404 to RepositoryNotFound without retrying', async () => {
    const r = await start({ tags: {} });
    const err = await listTags(`${r.host}/acme/missing`, fast).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepositoryNotFound);
    expect((err as Error).message).toContain('NAME_UNKNOWN');
    expect(r.requests).toHaveLength(1);
  });

  it('retries 5xx a bounded number of times', async () => {
    const r = await start({ tags: { 'acme/app': ['1'] }, failures: [{ status: 503 }, { status: 502 }] });
    expect(await listTags(`${r.host}/acme/app`, fast)).toEqual(['1']);
    expect(r.requests).toHaveLength(3);

    await r.close();
    const down = await start({ tags: { 'acme/app': ['1'] }, failures: Array(5).fill({ status: 500 }) });
    const err = await listTags(`${down.host}/acme/app`, fast).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryUnavailable);
    expect(down.requests).toHaveLength(3);
  });

  it('waits for Retry-After on 429, and gives up at once when it is too long', async () => {
    const r = await start({ tags: { 'acme/app': ['1'] }, failures: [{ status: 429, headers: { 'retry-after': '2' } }] });
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    expect(await listTags(`${r.host}/acme/app`, { ...fast, sleep })).toEqual(['1']);
    expect(waits).toEqual([2000]);

    await r.close();
    const limited = await start({ tags: { 'acme/app': ['1'] }, failures: [{ status: 429, headers: { 'retry-after': '3600' } }] });
    const err = await listTags(`${limited.host}/acme/app`, { ...fast, sleep }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RegistryUnavailable);
    expect(err).toMatchObject({ retryAfterMs: 3_600_000 });
    expect(waits).toEqual([2000]);
    expect(limited.requests).toHaveLength(1);
  });

  it('reports an unreachable registry as RegistryUnavailable', async () => {
    const r = await start({});
    const host = r.host;
    await r.close();
    await expect(listTags(`${host}/acme/app`, fast)).rejects.toBeInstanceOf(RegistryUnavailable);
  });
});

/** A fetch that answers from a table and records what was asked. */
function scriptedFetch(answers: Array<(url: string, init: RequestInit) => Response>) {
  const calls: Array<{ url: string; headers: Record<string, string> }> = [];
  const fetch = async (url: string, init: RequestInit) => {
    calls.push({ url, headers: { ...(init.headers as Record<string, string>) } });
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected request ${url}`);
    return answer(url, init);
  };
  return { fetch, calls };
}

describe('listTags host handling (injected fetch)', () => {
  it('maps docker.io to registry-1.docker.io and sends docker.io credentials to its realm', async () => {
    const { fetch, calls } = scriptedFetch([
      () =>
        new Response('{}', {
          status: 401,
          headers: {
            'www-authenticate':
              'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
          },
        }),
      () => Response.json({ token: 'hub-token', access_token: 'hub-token' }),
      () => Response.json({ name: 'library/nginx', tags: ['1.27', '1.27-alpine'] }),
    ]);
    const tags = await listTags('docker.io/library/nginx', {
      fetch,
      ...fast,
      credentials: { 'docker.io': { username: 'me', password: 'pat' } },
    });
    expect(tags).toEqual(['1.27', '1.27-alpine']);
    expect(calls.map((c) => c.url)).toEqual([
      'https://registry-1.docker.io/v2/library/nginx/tags/list',
      'https://auth.docker.io/token?service=registry.docker.io&scope=repository%3Alibrary%2Fnginx%3Apull',
      'https://registry-1.docker.io/v2/library/nginx/tags/list',
    ]);
    expect(calls[1]?.headers.authorization).toBe(`Basic ${Buffer.from('me:pat').toString('base64')}`);
    expect(calls[2]?.headers.authorization).toBe('Bearer hub-token');
  });

  it('uses https except for local hosts and the insecure list', async () => {
    const urls: string[] = [];
    const fetch = async (url: string) => {
      urls.push(url);
      return Response.json({ tags: [] });
    };
    await listTags('registry.internal:5000/a/b', { fetch, ...fast });
    await listTags('registry.internal:5000/a/b', { fetch, ...fast, insecure: ['registry.internal:5000'] });
    await listTags('localhost:5000/a/b', { fetch, ...fast });
    expect(urls).toEqual([
      'https://registry.internal:5000/v2/a/b/tags/list',
      'http://registry.internal:5000/v2/a/b/tags/list',
      'http://localhost:5000/v2/a/b/tags/list',
    ]);
  });

  it('refuses a plain-http token realm on a remote host and a Link to another origin', async () => {
    const challenge = { 'www-authenticate': 'Bearer realm="http://auth.example.com/token",service="x"' };
    const { fetch } = scriptedFetch([() => new Response('', { status: 401, headers: challenge })]);
    await expect(
      listTags('ghcr.io/acme/app', { fetch, ...fast, credentials: { 'ghcr.io': { username: 'u', password: 'p' } } }),
    ).rejects.toThrow(RegistryAuthError);

    const linked = scriptedFetch([
      () => Response.json({ tags: ['1'] }, { headers: { link: '<https://evil.example.com/v2/acme/app/tags/list?last=1>; rel="next"' } }),
    ]);
    await expect(listTags('ghcr.io/acme/app', { fetch: linked.fetch, ...fast })).rejects.toThrow(RegistryProtocolError);
  });

  it('answers a Basic challenge with the host\'s credentials', async () => {
    const { fetch, calls } = scriptedFetch([
      () => new Response('', { status: 401, headers: { 'www-authenticate': 'Basic realm="Registry Realm"' } }),
      () => Response.json({ tags: ['7'] }),
    ]);
    const tags = await listTags('registry.acme.io/a/b', {
      fetch,
      ...fast,
      credentials: { 'registry.acme.io': { username: 'bot', password: 'pw' } },
    });
    expect(tags).toEqual(['7']);
    expect(calls.map((c) => c.headers.authorization)).toEqual([undefined, `Basic ${Buffer.from('bot:pw').toString('base64')}`]);
  });

  it('explains missing credentials when the registry wants Basic auth', async () => {
    const { fetch } = scriptedFetch([() => new Response('', { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } })]);
    await expect(listTags('registry.acme.io/a/b', { fetch, ...fast })).rejects.toThrow(
      /configure credentials for host "registry.acme.io"/,
    );
  });

  it('rejects a repository written with a tag', async () => {
    await expect(listTags('ghcr.io/acme/app:1.0', fast)).rejects.toThrow(RegistryProtocolError);
  });
});
