import { spawn } from 'node:child_process';
import { GitCommandError, isCorruption } from './git-error.ts';
import { redact } from './git-auth.ts';

/** How to run one raw git process: where, with which environment, and what to feed it. */
export interface GitProcessOptions {
  cwd: string;
  env: Record<string, string>;
  input?: string;
  /** Secrets to strip from any error message. */
  secrets: readonly string[];
}

/**
 * Runs git for the few commands simple-git cannot drive (they need stdin, e.g. `fetch --stdin`),
 * collecting stdout; a non-zero exit becomes a redacted GitCommandError.
 */
export function runGit(args: string[], opts: GitProcessOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(gitError(args, e.message, opts.secrets)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(gitError(args, Buffer.concat(err).toString('utf8') || `exit code ${code}`, opts.secrets));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Builds a GitCommandError for `git <args>` whose stderr was `detail`, with secrets redacted. */
export function gitError(args: readonly string[], detail: string, secrets: readonly string[]): GitCommandError {
  const command = args.find((a) => !a.startsWith('-')) ?? 'git';
  const message = redact(`git ${command} failed: ${detail.trim()}`, secrets);
  return new GitCommandError(message, command, isCorruption(message));
}

/**
 * One long-lived `git cat-file --batch-command` process: ask for object sizes (`info`) and contents
 * (`contents`) of many objects without a process per object. Commands are answered in order.
 */
export class CatFileBatch {
  private readonly child;
  private buffer: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private ended = false;
  private stderr = '';

  constructor(private readonly opts: GitProcessOptions) {
    this.child = spawn('git', ['cat-file', '--batch-command'], {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.on('data', (b: Buffer) => {
      this.buffer = this.buffer.length === 0 ? b : Buffer.concat([this.buffer, b]);
      this.wake();
    });
    this.child.stderr.on('data', (b: Buffer) => (this.stderr += b.toString('utf8')));
    this.child.on('close', () => {
      this.ended = true;
      this.wake();
    });
    this.child.stdin.on('error', () => undefined);
  }

  /** Sends commands (`info <oid>` / `contents <oid>`) without waiting for their answers. */
  send(commands: string[]): void {
    if (commands.length > 0) this.child.stdin.write(commands.join('\n') + '\n');
  }

  /** Reads the next answer header: object type and size, or null when the object is missing. */
  async readHeader(): Promise<{ type: string; size: number } | null> {
    const line = (await this.readUntilNewline()).toString('utf8');
    const parts = line.split(' ');
    if (parts[1] === 'missing' || parts.length < 3) return null;
    return { type: parts[1] ?? '', size: Number(parts[2]) };
  }

  /** Reads the body of a `contents` answer of `size` bytes (and its trailing newline). */
  async readBody(size: number): Promise<Buffer> {
    while (this.buffer.length < size + 1) await this.more();
    const body = this.buffer.subarray(0, size);
    this.buffer = this.buffer.subarray(size + 1);
    return Buffer.from(body);
  }

  /** Closes stdin and waits for git to exit. */
  async close(): Promise<void> {
    this.child.stdin.end();
    while (!this.ended) await this.more();
  }

  /** Kills the process (used on error paths). */
  kill(): void {
    this.child.kill();
  }

  private async readUntilNewline(): Promise<Buffer> {
    for (;;) {
      const nl = this.buffer.indexOf(10);
      if (nl >= 0) {
        const line = this.buffer.subarray(0, nl);
        this.buffer = this.buffer.subarray(nl + 1);
        return line;
      }
      await this.more();
    }
  }

  private more(): Promise<void> {
    if (this.ended) {
      return Promise.reject(gitError(['cat-file'], this.stderr || 'process ended early', this.opts.secrets));
    }
    return new Promise((resolve) => (this.waiter = resolve));
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}
