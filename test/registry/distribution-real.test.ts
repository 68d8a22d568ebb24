/**
 * Against a real CNCF Distribution registry (Debian's `docker-registry` 2.8): push an image with plain
 * HTTP, receive the registry's own notifications through the route handler, and list the tags.
 * Skipped, with the reason printed, where the package is not installed (`apt-get install docker-registry`);
 * `COURIER_DOCKER_REGISTRY` points at another binary.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Release } from '../../src/core/image-update/release.ts';
import { getManifestInfo, listTags } from '../../src/registry/oci-client.ts';
import { handleRegistryNotification } from '../../src/registry/notification-route.ts';
import { type PushedImage, pushImage } from './oci-push.ts';

const BIN = process.env.COURIER_DOCKER_REGISTRY ?? '/usr/bin/docker-registry';
const available = existsSync(BIN);
if (!available) {
  console.log(`distribution-real: skipped, ${BIN} is missing (apt-get update && apt-get install -y docker-registry)`);
}
const itReal = available ? it : it.skip;

const TOKEN = 'notify-token-for-tests';
const TAGS = ['1.0.0', '1.1.0', '2.0.0'];

interface Delivery {
  path: string;
  contentType: string | undefined;
  status: number;
  events: number;
}

let dir = '';
let registry: ChildProcess | undefined;
let listener: Server | undefined;
let host = '';
let registryLog = '';
const deliveries: Delivery[] = [];
const releases: Release[] = [];
let changed: () => void = () => {};

/** Resolves when `ready()` holds, re-checked on every delivery; fails after `ms` with what arrived. */
function waitFor(ready: () => boolean, ms: number, what: string): Promise<void> {
  if (ready()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${what} did not arrive within ${ms} ms; deliveries: ${JSON.stringify(deliveries)}\n${registryLog}`));
    }, ms);
    changed = () => {
      if (!ready()) return;
      clearTimeout(timer);
      changed = () => {};
      resolve();
    };
  });
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

beforeAll(async () => {
  if (!available) return;
  dir = await mkdtemp(path.join(tmpdir(), 'courier-registry-'));

  listener = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const provider = (req.url ?? '').split('/').pop() ?? '';
      void handleRegistryNotification(provider, raw, req.headers, {
        secrets: { distribution: { type: 'bearer', token: TOKEN } },
        onReleases: async (list) => {
          releases.push(...list);
        },
        log: { info: () => {}, warn: () => {} },
      }).then((answer) => {
        let events = 0;
        try {
          events = (JSON.parse(raw.toString('utf8')) as { events: unknown[] }).events.length;
        } catch {
          events = -1;
        }
        deliveries.push({ path: req.url ?? '', contentType: req.headers['content-type'], status: answer.status, events });
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
        changed();
      });
    });
  });
  await new Promise<void>((resolve) => listener!.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/api/courier/registry`;

  const port = await freePort();
  host = `127.0.0.1:${port}`;
  const config = {
    version: 0.1,
    log: { level: 'info', formatter: 'text' },
    storage: { filesystem: { rootdirectory: path.join(dir, 'data') }, maintenance: { uploadpurging: { enabled: false } } },
    http: { addr: host },
    notifications: {
      endpoints: [
        {
          name: 'courier',
          url: `${hook}/distribution`,
          headers: { Authorization: [`Bearer ${TOKEN}`] },
          timeout: '2s',
          threshold: 5,
          backoff: '200ms',
        },
        // The same events without the token: the route must refuse every one of them.
        { name: 'unsigned', url: `${hook}/distribution?unsigned`, timeout: '2s', threshold: 5, backoff: '5s' },
      ],
    },
  };
  const configPath = path.join(dir, 'config.yml');
  await writeFile(configPath, stringify(config));
  const child = spawn(BIN, ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  registry = child;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`registry did not start within 10 s:\n${registryLog}`)), 10_000);
    const onLog = (chunk: Buffer) => {
      registryLog += chunk.toString('utf8');
      if (registryLog.includes(`listening on ${host}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onLog);
    child.stderr!.on('data', onLog);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`registry exited with ${code}:\n${registryLog}`));
    });
  });
});

afterAll(async () => {
  if (registry && registry.exitCode === null) {
    registry.removeAllListeners('exit');
    const exited = new Promise((resolve) => registry!.once('exit', resolve));
    registry.kill('SIGTERM');
    await exited;
  }
  if (listener) {
    listener.closeAllConnections();
    await new Promise((resolve) => listener!.close(resolve));
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('Debian docker-registry (CNCF Distribution 2.8)', () => {
  const pushed = new Map<string, PushedImage>();

  itReal('notifies each tagged push; the route authenticates and parses it to a Release', async () => {
    for (const tag of TAGS) {
      pushed.set(
        tag,
        await pushImage(`http://${host}`, 'courier/demo', tag, {
          'org.opencontainers.image.source': 'https://github.com/acme/demo',
          'org.opencontainers.image.revision': `rev-${tag}`,
        }),
      );
    }
    await waitFor(
      () => TAGS.every((t) => releases.some((r) => r.tag === t)) && deliveries.some((d) => d.status === 401),
      15_000,
      'notifications for all three tags and an unsigned one',
    );

    const sorted = [...releases].sort((a, b) => a.tag.localeCompare(b.tag));
    expect(sorted).toEqual(
      TAGS.map((tag) => ({ repository: `${host}/courier/demo`, tag, digest: pushed.get(tag)!.digest })),
    );
    const signed = deliveries.filter((d) => !d.path.includes('unsigned'));
    expect(signed.every((d) => d.status === 202)).toBe(true);
    expect(signed.every((d) => d.contentType === 'application/vnd.docker.distribution.events.v1+json')).toBe(true);
    // Blob pushes were delivered too (two per image) and ignored by the parser.
    expect(signed.reduce((n, d) => n + d.events, 0)).toBeGreaterThan(TAGS.length);
    expect(deliveries.filter((d) => d.path.includes('unsigned')).every((d) => d.status === 401)).toBe(true);
  });

  itReal('lists the pushed tags with a small page size', async () => {
    const urls: string[] = [];
    const tags = await listTags(`${host}/courier/demo`, {
      pageSize: 2,
      fetch: (url, init) => {
        urls.push(url);
        return fetch(url, init);
      },
    });
    expect([...tags].sort()).toEqual(TAGS);
    // Distribution 2.8 ignores `n` on tags/list and sends no Link: one longer page is the whole list.
    expect(urls).toEqual([`http://${host}/v2/courier/demo/tags/list?n=2`]);
  });

  itReal('reads the digest and source labels of a pushed tag', async () => {
    const info = await getManifestInfo(`${host}/courier/demo`, '1.1.0');
    expect(info.digest).toBe(pushed.get('1.1.0')?.digest);
    expect(info.source).toEqual({ url: 'https://github.com/acme/demo', revision: 'rev-1.1.0' });
  });
});
