import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * No Docker engine runs here and no registry is reachable to pull `node:22-bookworm-slim`, so the
 * Dockerfile is checked by parsing its instructions rather than by building it.
 */
interface Instruction {
  op: string;
  args: string;
  stage: number;
}

function parse(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ');
  const out: Instruction[] = [];
  let stage = -1;
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [, op, args] = /^(\S+)\s+(.*)$/.exec(line)!;
    if (op!.toUpperCase() === 'FROM') stage++;
    out.push({ op: op!.toUpperCase(), args: args!.replace(/\s+/g, ' '), stage });
  }
  return out;
}

const root = new URL('../../', import.meta.url);
const instructions = parse(readFileSync(new URL('Dockerfile', root), 'utf8'));
const runtime = instructions.filter((i) => i.stage === 1);

describe('Dockerfile', () => {
  it('is multi-stage on the official node:22-bookworm-slim base', () => {
    expect(instructions.filter((i) => i.op === 'FROM').map((i) => i.args)).toEqual([
      'node:22-bookworm-slim AS build',
      'node:22-bookworm-slim AS runtime',
    ]);
  });

  it('builds with npm ci + npm run build, and the runtime installs production dependencies only', () => {
    const build = instructions.filter((i) => i.stage === 0 && i.op === 'RUN').map((i) => i.args);
    expect(build).toEqual(['npm ci --ignore-scripts --no-audit --no-fund', 'npm run build']);
    const installs = runtime.filter((i) => i.op === 'RUN' && i.args.includes('npm ci'));
    expect(installs.map((i) => i.args)).toEqual(['npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force']);
    expect(runtime.some((i) => i.op === 'COPY' && i.args === '--from=build /app/dist ./dist')).toBe(true);
    expect(runtime.some((i) => i.op === 'COPY' && /^(src|\.)\b/.test(i.args))).toBe(false);
  });

  it('installs git, runs as a non-root user, checks /healthz with node and starts the app', () => {
    expect(runtime.some((i) => i.op === 'RUN' && /apt-get install -y --no-install-recommends git\b/.test(i.args))).toBe(true);
    const users = runtime.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    const cmds = runtime.filter((i) => i.op === 'CMD' || i.op === 'HEALTHCHECK');
    expect(cmds.map((i) => i.op)).toEqual(['HEALTHCHECK', 'CMD']);
    expect(cmds[0]!.args).toMatch(/CMD \["node", "-e", ".*\/healthz.*"\]$/);
    expect(JSON.parse(cmds[1]!.args)).toEqual(['node', 'dist/main.js']);
    // The instruction after USER must not switch back.
    const userIndex = runtime.findIndex((i) => i.op === 'USER');
    expect(runtime.slice(userIndex).filter((i) => i.op === 'RUN')).toEqual([]);
  });

  it('keeps secrets, tests and the local install out of the build context', () => {
    const ignored = readFileSync(new URL('.dockerignore', root), 'utf8').split('\n');
    for (const entry of ['node_modules', '.git', '.env', '*.pem', 'test']) expect(ignored).toContain(entry);
  });
});
