import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.ts';
import { parseBranch } from '../../src/core/proposal/names.ts';
import { decryptedDocuments, openSopsFile, parseAgeIdentities, parseSopsFile } from '../../src/core/sops/index.ts';
import { createSopsRepo, git, PLAINTEXTS } from './sops-fixture-repo.ts';

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function courier(env: Record<string, string>, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) }, env);
  return { code, out, err };
}

const snapshot = (dir: string) => ({ head: git(dir, ['rev-parse', 'HEAD']), status: git(dir, ['status', '--porcelain', '-uall']), index: readFileSync(join(dir, '.git/index')).toString('hex') });
const show = (dir: string, ref: string, path: string) => ({ path, text: git(dir, ['show', `${ref}:${path}`]) });

/** Every regular file under `root` changed since `since`, for the leak search (temp dirs). */
function filesSince(root: string, since: number, out: string[] = []): string[] {
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      if (name !== '.git' && st.mtimeMs >= since - 1000) filesSince(p, since, out);
    } else if (st.isFile() && st.mtimeMs >= since && st.size < 1_000_000) out.push(p);
  }
  return out;
}

describe('courier rotate-keys (local, two steps)', () => {
  it('rotates every cluster key through two branches and never writes a secret in plaintext', async () => {
    const started = Date.now();
    const repo = await createSopsRepo();
    temps.push(dirname(repo.dir));
    const env = { SOPS_AGE_KEY: repo.courier.identity };
    const outputs: string[] = [];

    // --finish before step 1 is refused.
    const early = await courier(env, 'rotate-keys', '--repo', repo.dir, '--finish');
    outputs.push(early.out, early.err);
    expect(early.code).toBe(2);
    expect(early.err).toMatch(/clusters\/(dev|prod)\/flux-system\/sops-age\.enc\.yaml: holds no new key/);

    const before = snapshot(repo.dir);
    const step1 = await courier(env, 'rotate-keys', '--repo', repo.dir);
    outputs.push(step1.out, step1.err);
    expect(step1.err).toBe('');
    expect(step1.code).toBe(0);
    expect(snapshot(repo.dir)).toEqual(before);
    expect(step1.out).toMatch(/no cluster to wait for/);
    const branch1 = /created branch (\S+)/.exec(step1.out)![1]!;
    expect(branch1).toBe('courier/rotate-keys/all/start');
    expect(parseBranch(branch1)).toEqual({ kind: 'rotation', environment: 'all', subject: 'start' });
    expect(git(repo.dir, ['rev-list', '--count', `main..${branch1}`]).trim()).toBe('1');
    const newKeys = [...step1.out.matchAll(/^ {2}(age1[0-9a-z]+)$/gm)].map((m) => m[1]!);
    expect(newKeys).toHaveLength(2); // prod and dev keep separate keys

    // The new private keys exist only inside the key Secrets, encrypted for the old key.
    const prodSecret = await openSopsFile(show(repo.dir, branch1, 'clusters/prod/flux-system/sops-age.enc.yaml'), await parseAgeIdentities(repo.prod.identity, 'prod'));
    const keyText = (decryptedDocuments(prodSecret)[0] as { stringData: Record<string, string> }).stringData['age.agekey']!;
    const prodIds = await parseAgeIdentities(keyText, 'secret');
    expect(prodIds.map((i) => i.recipient)).toEqual([repo.prod.recipient, expect.any(String)]);
    const prodNew = prodIds[1]!;
    expect(newKeys).toContain(prodNew.recipient);

    // updatekeys semantics: values, MAC and lastmodified unchanged; the new key opens the file.
    const dbBefore = show(repo.dir, 'main', 'clusters/prod/apps/db.enc.yaml');
    const dbAfter = show(repo.dir, branch1, 'clusters/prod/apps/db.enc.yaml');
    const m0 = parseSopsFile(dbBefore).metadata!;
    const m1 = parseSopsFile(dbAfter).metadata!;
    expect([m1.mac, m1.lastmodified]).toEqual([m0.mac, m0.lastmodified]);
    expect(dbAfter.text.split('sops:')[0]).toBe(dbBefore.text.split('sops:')[0]);
    await openSopsFile(dbAfter, [prodNew]);
    // The dev file did not gain the prod key.
    const apiAfter = parseSopsFile(show(repo.dir, branch1, 'clusters/dev/apps/api.enc.yaml')).metadata!;
    expect(apiAfter.age.map((a) => a.recipient)).not.toContain(prodNew.recipient);
    expect(show(repo.dir, branch1, '.sops.yaml').text).toContain(`${repo.prod.recipient},${prodNew.recipient}`);

    // Merge step 1, then finish.
    git(repo.dir, ['merge', '-q', '--ff-only', branch1]);
    const step2 = await courier(env, 'rotate-keys', '--repo', repo.dir, '--finish');
    outputs.push(step2.out, step2.err);
    expect(step2.err).toBe('');
    expect(step2.code).toBe(0);
    const branch2 = /created branch (\S+)/.exec(step2.out)![1]!;
    expect(branch2).toBe('courier/rotate-keys/all/finish');
    const db2 = show(repo.dir, branch2, 'clusters/prod/apps/db.enc.yaml');
    const opened2 = await openSopsFile(db2, [prodNew]);
    expect(opened2.metadata.age.map((a) => a.recipient).sort()).toEqual([repo.courier.recipient, prodNew.recipient].sort());
    expect(Buffer.from(opened2.dataKey)).not.toEqual(Buffer.from((await openSopsFile(dbAfter, [prodNew])).dataKey));
    await expect(openSopsFile(db2, [repo.prod])).rejects.toThrow(/none of the given age identities/);
    expect(db2.text).toContain('# keep this comment');
    const env2 = await openSopsFile(show(repo.dir, branch2, 'clusters/prod/apps/app.enc.env'), [prodNew]);
    expect(decryptedDocuments(env2)[0]).toEqual({ SECRET: PLAINTEXTS[2] });
    const secret2 = await openSopsFile(show(repo.dir, branch2, 'clusters/prod/flux-system/sops-age.enc.yaml'), [prodNew]);
    const finalKeys = await parseAgeIdentities((decryptedDocuments(secret2)[0] as { stringData: Record<string, string> }).stringData['age.agekey']!, 'secret');
    expect(finalKeys.map((k) => k.recipient)).toEqual([prodNew.recipient]);
    const sopsYaml = show(repo.dir, branch2, '.sops.yaml').text;
    expect(sopsYaml).not.toContain(repo.prod.recipient);
    expect(sopsYaml).not.toContain(repo.dev.recipient);
    expect(sopsYaml).toContain('encrypted_regex: ^(data|stringData)$');

    // Item 6: no plaintext value or private key in outputs, commits or temp files.
    const secrets = [...PLAINTEXTS, repo.courier.identity, repo.prod.identity, repo.dev.identity, prodNew.identity, ...(await parseAgeIdentities(keyText, 's')).map((i) => i.identity)];
    const history = git(repo.dir, ['log', '-p', '--all']);
    const temp = filesSince(tmpdir(), started).filter((p) => !p.includes('/.git/')).flatMap((p) => readIfStill(p));
    for (const s of secrets) {
      for (const text of [...outputs, history, ...temp]) expect(text.includes(s)).toBe(false);
    }
  }, 60_000);

  it('exits 2 naming SOPS_AGE_KEY and SOPS_AGE_KEY_FILE when no identity is given', async () => {
    const repo = await createSopsRepo();
    temps.push(dirname(repo.dir));
    const r = await courier({}, 'rotate-keys', '--repo', repo.dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/SOPS_AGE_KEY.*SOPS_AGE_KEY_FILE/);
  });

  it('exits 2 naming the file and a recipient whose key is needed when the keys open nothing', async () => {
    const repo = await createSopsRepo();
    temps.push(dirname(repo.dir));
    const other = 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX';
    const r = await courier({ SOPS_AGE_KEY: other }, 'rotate-keys', '--repo', repo.dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/clusters\/\w+\/flux-system\/sops-age\.enc\.yaml:\d+: none of the given age identities can decrypt this file; it is encrypted for age1/);
    expect(r.err).toMatch(/nothing was written/);
    expect(git(repo.dir, ['branch', '--list', 'courier/*'])).toBe('');
  });
});

/** Other test files running in parallel delete their temp files between listing and reading: skip those that vanished. */
function readIfStill(path: string): string[] {
  try {
    return [readFileSync(path, 'latin1')];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
