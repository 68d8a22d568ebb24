import { describe, expect, it } from 'vitest';
import { formatBranch, formatMetadata, MAX_BRANCH_LENGTH, parseBranch, parseMetadata, slugify } from '../../../src/core/proposal/names.ts';
import type { ProposalKind, ProposalMetadata } from '../../../src/core/proposal/proposal.ts';

/** Deterministic PRNG (mulberry32) so property tests are reproducible. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const ALPHABET = 'abcXYZ019./-_:@ ~^?*[\\]{}<>"\'é\n\t';
function randomText(r: () => number, max: number): string {
  const n = Math.floor(r() * max);
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}
const KINDS: ProposalKind[] = ['image', 'promotion', 'rollout', 'rotation'];

/** git check-ref-format rules that matter for a branch name. */
function isValidRef(ref: string): boolean {
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(ref)) return false;
  if (ref.includes('..') || ref.includes('@{') || ref.endsWith('.') || ref.endsWith('/')) return false;
  return ref.split('/').every((c) => c.length > 0 && !c.startsWith('.') && !c.endsWith('.lock'));
}

describe('branch names', () => {
  it('formats the documented shape', () => {
    expect(formatBranch({ kind: 'image', environment: 'dev', subject: 'ghcr.io/acme/app' })).toBe(
      'courier/image/dev/ghcr.io-acme-app',
    );
    expect(formatBranch({ kind: 'promotion', environment: 'prod', subject: 'Docker.io/Library/NGINX' })).toBe(
      'courier/promote/prod/docker.io-library-nginx',
    );
    // The segments users type and see, as issues 8–10 name them.
    expect(formatBranch({ kind: 'rotation', environment: 'all', subject: 'age' })).toBe('courier/rotate-keys/all/age');
    expect(formatBranch({ kind: 'rollout', environment: 'podinfo', subject: 'stage' })).toBe('courier/rollout/podinfo/stage');
    expect(parseBranch('courier/promotion/prod/x')).toBeUndefined();
  });

  it.each([
    ['a..b', 'a.b'],
    ['.hidden', 'hidden'],
    ['x.lock', 'x-lock'],
    ['a@{b}', 'a-b'],
    ['///', 'x'],
    ['localhost:5000/team/app', 'localhost-5000-team-app'],
  ])('slugify(%j) = %j', (input, out) => {
    expect(slugify(input)).toBe(out);
  });

  it('parses back what it formats, for random input (property)', () => {
    const r = rng(42);
    for (let i = 0; i < 2000; i++) {
      const kind = KINDS[i % KINDS.length]!;
      const environment = randomText(r, 80);
      const subject = randomText(r, 400);
      const branch = formatBranch({ kind, environment, subject });
      expect(branch.length).toBeLessThanOrEqual(MAX_BRANCH_LENGTH);
      expect(isValidRef(branch), branch).toBe(true);
      const parsed = parseBranch(branch);
      expect(parsed, branch).toBeDefined();
      expect(parsed!.kind).toBe(kind);
      expect(formatBranch(parsed!)).toBe(branch);
    }
  });

  it('keeps long subjects distinct with a hash suffix', () => {
    const a = formatBranch({ kind: 'image', environment: 'dev', subject: 'x'.repeat(300) + 'a' });
    const b = formatBranch({ kind: 'image', environment: 'dev', subject: 'x'.repeat(300) + 'b' });
    expect(a.length).toBe(MAX_BRANCH_LENGTH);
    expect(a).not.toBe(b);
    expect(a).toMatch(/-[0-9a-f]{8}$/);
  });

  it.each(['main', 'courier/image/dev', 'courier/other/dev/x', 'courier/image/Dev/x', 'courier/image/dev/a/b', 'dependabot/npm/x'])(
    'rejects %j',
    (name) => {
      expect(parseBranch(name)).toBeUndefined();
    },
  );
});

describe('metadata block', () => {
  const meta: ProposalMetadata = {
    version: 1,
    kind: 'image',
    environment: 'dev',
    subject: 'ghcr.io/acme/app',
    images: [{ repository: 'ghcr.io/acme/app', tag: '1.2.3', digest: 'sha256:' + 'a'.repeat(64) }],
    note: 'tries to end the comment --> <!-- early',
  };

  it('round-trips inside an edited body, with CRLF line endings', () => {
    const body = `## Bump\r\n\r\nreviewer notes\r\n\r\n${formatMetadata(meta).replace(/\n/g, '\r\n')}\r\n\r\nedited later`;
    expect(parseMetadata(body)).toEqual(meta);
  });

  it('keeps the block a single HTML comment whatever the strings hold', () => {
    const block = formatMetadata(meta);
    expect(block.indexOf('-->')).toBe(block.length - 3);
  });

  it('round-trips random metadata (property)', () => {
    const r = rng(7);
    for (let i = 0; i < 500; i++) {
      const m: ProposalMetadata = {
        version: 1,
        kind: KINDS[i % 4]!,
        environment: randomText(r, 20),
        subject: randomText(r, 60),
        images: [{ repository: randomText(r, 30), tag: randomText(r, 10) }],
      };
      expect(parseMetadata(`text ${randomText(r, 50)}\n${formatMetadata(m)}\n${randomText(r, 50)}`)).toEqual(m);
    }
  });

  it('uses the last block when a body quotes an older one', () => {
    const older = { ...meta, subject: 'old' };
    expect(parseMetadata(`${formatMetadata(older)}\n${formatMetadata(meta)}`)?.subject).toBe(meta.subject);
  });

  it.each([
    ['', 'empty'],
    ['no block here', 'missing'],
    ['<!-- courier-metadata\n{"version":1,"kind":"image"', 'truncated'],
    ['<!-- courier-metadata\n{not json}\n-->', 'bad JSON'],
    ['<!-- courier-metadata\n{"version":2,"kind":"image","environment":"d","subject":"s"}\n-->', 'unknown version'],
    ['<!-- courier-metadata\n{"version":1,"kind":"nope","environment":"d","subject":"s"}\n-->', 'unknown kind'],
    ['<!-- courier-metadata\n{"version":1,"kind":"image","environment":"d","subject":7}\n-->', 'subject not a string'],
    ['<!-- courier-metadata\n{"version":1,"kind":"rotation","environment":"d","subject":"s","dependsOn":3}\n-->', 'dependsOn not a string'],
    ['<!-- courier-metadata\n[1,2]\n-->', 'array'],
  ])('returns undefined, never throws, for %j (%s)', (body) => {
    expect(parseMetadata(body)).toBeUndefined();
  });

  it('reads a stacked proposal\'s dependsOn back', () => {
    const stacked: ProposalMetadata = { version: 1, kind: 'rotation', environment: 'all', subject: 'finish', dependsOn: 'courier/rotate-keys/all/start' };
    expect(parseMetadata(`body\n${formatMetadata(stacked)}`)).toEqual(stacked);
  });

  it('validates the generic fields only: job data is read by its job, whatever it holds', () => {
    // Another job's data (or an image block edited by hand) must not hide the block's kind and
    // environment from the GitHub layer; the image job reads `images` itself (imagesOf).
    const promo = '<!-- courier-metadata\n{"version":1,"kind":"promotion","environment":"prod","subject":"staging","images":{"x":1},"charts":[1]}\n-->';
    expect(parseMetadata(promo)).toMatchObject({ kind: 'promotion', environment: 'prod', subject: 'staging' });
    const handEdited = '<!-- courier-metadata\n{"version":1,"kind":"image","environment":"d","subject":"s","images":[{"tag":1}]}\n-->';
    expect(parseMetadata(handEdited)).toMatchObject({ kind: 'image', environment: 'd', subject: 's' });
  });
});
