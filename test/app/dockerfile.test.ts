import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * CI has no container engine and no registry to pull `node:22-bookworm-slim` from, so the Dockerfile
 * is checked here by parsing its instructions; the images themselves were built with podman on a
 * locally made base (../shared/tools/container-base.sh) and their layers are listed in docs/app-server.md.
 * test/e2e/built-app.test.ts runs what the stages copy (`npm run build`'s bundles) end to end.
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
const reporter = instructions.filter((i) => i.stage === 1);
const runtime = instructions.filter((i) => i.stage === 2);

describe('Dockerfile', () => {
  it('is multi-stage on the official node:22-bookworm-slim base, the App last (the default target)', () => {
    expect(instructions.filter((i) => i.op === 'FROM').map((i) => i.args)).toEqual([
      'node:22-bookworm-slim AS build',
      'node:22-bookworm-slim AS reporter',
      'node:22-bookworm-slim AS app',
    ]);
  });

  it('bundles in the build stage; the runtime stages install nothing from npm and copy only the bundles', () => {
    const build = instructions.filter((i) => i.stage === 0 && i.op === 'RUN').map((i) => i.args);
    expect(build).toEqual(['npm ci --ignore-scripts --no-audit --no-fund', 'npm run build && rm -f dist/*.map']);
    for (const stage of [reporter, runtime]) {
      expect(stage.some((i) => i.op === 'RUN' && /\bnpm\b/.test(i.args))).toBe(false);
      expect(stage.some((i) => i.op === 'COPY' && /node_modules|package/.test(i.args))).toBe(false);
      expect(stage.some((i) => i.op === 'COPY' && /^(src|\.)\b/.test(i.args))).toBe(false);
    }
    expect(runtime.some((i) => i.op === 'COPY' && i.args === '--from=build /app/dist ./dist')).toBe(true);
    expect(reporter.filter((i) => i.op === 'COPY').map((i) => i.args)).toEqual(['--from=build /app/dist/reporter.js ./dist/reporter.js']);
  });

  it('the reporter stage has no git, runs as a non-root user with the deployed Node flags', () => {
    expect(reporter.some((i) => i.op === 'RUN')).toBe(false);
    expect(reporter.filter((i) => i.op === 'USER').map((i) => i.args)).toEqual(['node']);
    expect(JSON.parse(reporter.find((i) => i.op === 'CMD')!.args)).toEqual(['node', 'dist/reporter.js']);
    const deployed = /name: NODE_OPTIONS\s+value: (.+)/.exec(readFileSync(new URL('deploy/reporter/deployment.yaml', root), 'utf8'))![1]!.trim();
    expect(reporter.find((i) => i.op === 'ENV')!.args).toContain(`NODE_OPTIONS="${deployed}"`);
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
