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
  /** Exit codes besides 0 that are answers, not failures (`git grep` exits 1 when nothing matches). */
  answerExits?: readonly number[];
}

/**
 * Runs git for the few commands simple-git cannot drive (they need stdin, e.g. `fetch --stdin`),
 * collecting stdout; a non-zero exit becomes a redacted GitCommandError.
 */
export function runGit(args: string[], opts: GitProcessOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawnGit(args, opts);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(gitError(args, e.message, opts.secrets)));
    child.on('close', (code) => {
      if (code === 0 || (code !== null && opts.answerExits?.includes(code))) resolve(Buffer.concat(out));
      else reject(gitError(args, Buffer.concat(err).toString('utf8') || `exit code ${code}`, opts.secrets));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

function spawnGit(args: readonly string[], opts: GitProcessOptions) {
  return spawn('git', args, { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Builds a GitCommandError for `git <args>` whose stderr was `detail`, with secrets redacted. */
export function gitError(args: readonly string[], detail: string, secrets: readonly string[]): GitCommandError {
  const command = args.find((a) => !a.startsWith('-')) ?? 'git';
  const message = redact(`git ${command} failed: ${detail.trim()}`, secrets);
  return new GitCommandError(message, command, isCorruption(message));
}

/** One answer of `git cat-file --batch-command`: object type and size (type `missing` if absent), and its bytes for `contents`. */
export interface BatchAnswer {
  oid: string;
  type: string;
  size: number;
  body?: Buffer;
}

interface BatchRequest {
  count: number;
  withBody: boolean;
  answers: BatchAnswer[];
  resolve: (answers: BatchAnswer[]) => void;
  reject: (e: Error) => void;
}

/**
 * One long-lived `git cat-file --batch-command --buffer` process: sizes (`info`) and contents
 * (`contents`) of many objects without a process per object. Answers are parsed as they stream in,
 * each body copied once into a buffer of its announced size.
 */
export class CatFileBatch {
  private readonly child;
  private leftover: Buffer = Buffer.alloc(0);
  private body: { answer: BatchAnswer; bytes: Buffer; filled: number } | undefined;
  private request: BatchRequest | undefined;
  private stderr = '';
  /** Set once the process failed to start or ended: later requests fail at once instead of waiting forever. */
  private ended: GitCommandError | undefined;
  private readonly closed: Promise<void>;

  constructor(private readonly opts: GitProcessOptions) {
    // --buffer: answers are written in big blocks at each `flush` instead of one write per object.
    this.child = spawnGit(['cat-file', '--batch-command', '--buffer'], opts);
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.stderr.on('data', (b: Buffer) => (this.stderr += b.toString('utf8')));
    this.child.stdin.on('error', () => undefined);
    // Without this listener a failed spawn (missing cwd, no git, EAGAIN) would crash the whole process.
    this.child.on('error', (e) => this.end(e.message));
    this.closed = new Promise((resolve) => {
      this.child.on('close', () => {
        this.end(this.stderr || 'process ended early');
        resolve();
      });
    });
  }

  /** Sends `info` (withBody false) or `contents` (true) for each object id and resolves with the answers, in order. */
  ask(oids: string[], withBody: boolean): Promise<BatchAnswer[]> {
    if (oids.length === 0) return Promise.resolve([]);
    if (this.ended) return Promise.reject(this.ended);
    const verb = withBody ? 'contents' : 'info';
    return new Promise((resolve, reject) => {
      this.request = { count: oids.length, withBody, answers: [], resolve, reject };
      this.child.stdin.write(oids.map((o) => `${verb} ${o}`).join('\n') + '\nflush\n');
    });
  }

  /** Closes stdin and waits for git to exit. */
  async close(): Promise<void> {
    this.child.stdin.end();
    await this.closed;
  }

  /** Kills the process (used on error paths). */
  kill(): void {
    this.child.kill();
  }

  private end(detail: string): void {
    this.ended ??= gitError(['cat-file'], detail, this.opts.secrets);
    this.request?.reject(this.ended);
    this.request = undefined;
  }

  private onData(chunk: Buffer): void {
    const data = this.leftover.length > 0 ? Buffer.concat([this.leftover, chunk]) : chunk;
    let off = 0;
    while (this.request && off < data.length) {
      if (this.body) {
        const { bytes } = this.body;
        const n = Math.min(bytes.length - this.body.filled, data.length - off);
        data.copy(bytes, this.body.filled, off, off + n);
        this.body.filled += n;
        off += n;
        if (this.body.filled < bytes.length) break;
        // The body is followed by a newline, which was read into the last byte.
        this.answer({ ...this.body.answer, body: bytes.subarray(0, bytes.length - 1) });
        this.body = undefined;
        continue;
      }
      const nl = data.indexOf(10, off);
      if (nl < 0) break;
      const [oid = '', type = '', size = '0'] = data.toString('utf8', off, nl).split(' ');
      off = nl + 1;
      const answer = { oid, type, size: Number(size) };
      if (type === 'missing' || !this.request.withBody) this.answer(answer);
      else this.body = { answer, bytes: Buffer.allocUnsafe(answer.size + 1), filled: 0 };
    }
    this.leftover = data.subarray(off);
  }

  private answer(a: BatchAnswer): void {
    const req = this.request;
    if (!req) return;
    req.answers.push(a);
    if (req.answers.length === req.count) {
      this.request = undefined;
      req.resolve(req.answers);
    }
  }
}
