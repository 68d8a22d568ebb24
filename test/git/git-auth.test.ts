import { describe, expect, it } from 'vitest';
import { assertCloneUrl, basicAuthHeader, gitEnv, redact, secretForms } from '../../src/git/git-auth.ts';
import { isCorruption } from '../../src/git/git-error.ts';
import { KeyedQueue } from '../../src/git/keyed-queue.ts';

describe('git auth', () => {
  it('puts the token only in environment-only config, with credential helpers reset', () => {
    const env = gitEnv('ghs_abc');
    expect(env).toMatchObject({
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'credential.helper',
      GIT_CONFIG_VALUE_0: '',
      GIT_CONFIG_KEY_1: 'http.extraHeader',
      GIT_CONFIG_VALUE_1: `Authorization: Basic ${Buffer.from('x-access-token:ghs_abc').toString('base64')}`,
    });
    expect(basicAuthHeader('ghs_abc')).toBe('Basic eC1hY2Nlc3MtdG9rZW46Z2hzX2FiYw==');
    expect(gitEnv()).not.toHaveProperty('GIT_CONFIG_KEY_1');
  });

  it('does not pass the parent process GIT_* variables through', () => {
    process.env.GIT_DIR = '/somewhere/else';
    try {
      expect(gitEnv('t')).not.toHaveProperty('GIT_DIR');
    } finally {
      delete process.env.GIT_DIR;
    }
  });

  it('redacts the raw and the base64 form of a token', () => {
    const secrets = secretForms('ghs_abc');
    const header = basicAuthHeader('ghs_abc');
    expect(redact(`url https://x/ghs_abc.git header ${header} again ghs_abc`, secrets)).toBe('url https://x/***.git header Basic *** again ***');
    expect(secretForms(undefined)).toEqual([]);
  });

  it('refuses clone URLs with credentials or unsafe transports', () => {
    expect(() => assertCloneUrl('https://x-access-token:ghs_abc@github.com/a/b.git')).toThrow(/carries credentials/);
    expect(() => assertCloneUrl('https://ghs_abc@github.com/a/b.git')).toThrow(/carries credentials/);
    expect(() => assertCloneUrl('ext::sh -c touch% /tmp/pwned')).toThrow(/unsupported transport|not a valid URL/);
    expect(() => assertCloneUrl('--upload-pack=touch /tmp/pwned')).toThrow(/not a valid URL/);
    expect(() => assertCloneUrl('https://github.com/a/b.git')).not.toThrow();
  });
});

describe('isCorruption', () => {
  it.each([
    'fatal: cannot read existing object info 4373dce982b328d06a1d391e040d089758cf655d\nfatal: index-pack failed',
    'error: inflate: data stream error (incorrect header check)',
    'fatal: loose object 4373dce982b328d06a1d391e040d089758cf655d (stored in .git/objects/43/73dc) is corrupt',
    'fatal: bad object refs/courier/abc',
    'error: packfile ./objects/pack/pack-1.pack does not match index',
    'git cat-file failed: missing blob 4373dce982b328d06a1d391e040d089758cf655d for a.yaml',
  ])('recognises damage: %s', (message) => {
    expect(isCorruption(message)).toBe(true);
  });

  it.each([
    "fatal: couldn't find remote ref refs/heads/nope",
    "fatal: could not read Username for 'http://127.0.0.1:1': terminal prompts disabled",
    "fatal: Authentication failed for 'https://github.com/acme/app.git/'",
    "fatal: '/tmp/nowhere.git' does not appear to be a git repository",
    'fatal: unable to access \'https://github.com/acme/app.git/\': Could not resolve host: github.com',
  ])('leaves remote and auth failures alone: %s', (message) => {
    expect(isCorruption(message)).toBe(false);
  });
});

describe('KeyedQueue', () => {
  it('runs jobs of one key in order, even after a failure, and other keys independently', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const a1 = q.run('a', async () => {
      log.push('a1');
      await held;
      throw new Error('a1 failed');
    });
    const a2 = q.run('a', async () => log.push('a2'));
    await q.run('b', async () => log.push('b1'));
    expect(log).toEqual(['a1', 'b1']);
    release();
    await expect(a1).rejects.toThrow('a1 failed');
    await a2;
    expect(log).toEqual(['a1', 'b1', 'a2']);
  });
});
