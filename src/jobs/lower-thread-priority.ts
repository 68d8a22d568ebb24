/**
 * Lowers the scheduling priority of the calling thread (Linux only; elsewhere nothing happens). The
 * planning worker is CPU-bound for up to seconds per burst; on a 2-core machine it otherwise gets the
 * same share as the main thread that answers /healthz and webhooks (issue 13, item 8). On Linux a
 * thread is a task with its own id (/proc/thread-self names it), and setpriority on that id changes
 * that thread alone: https://man7.org/linux/man-pages/man2/setpriority.2.html (BUGS: per-thread).
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Returns the thread id whose nice value became `nice`, or undefined when the platform has no such thing. */
export function lowerThreadPriority(nice = 10): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return undefined;
    setPriority(tid, nice);
    return tid;
  } catch {
    return undefined;
  }
}
