/**
 * Whether a Courier PR has ever been decorated (labels, reviewers, auto-merge), recorded as a hidden
 * mark in its body. Decorating and writing the mark go in the same mutation document, so the mark is
 * there exactly when the decoration was applied — even when GitHub's answer was lost.
 *
 * The rule it serves: a PR that has never carried its decoration gets it on the next run, whatever
 * else that run does (a 502 after GitHub created the PR, or a crash between the two documents, no
 * longer leaves it without labels or auto-merge for ever); a PR that has carried it is decorated again
 * only when Courier rewrites its branch, so a human who removed a label or disabled auto-merge on an
 * unchanged PR is not overruled by the next resync. PRs opened before the mark existed are decorated
 * once more, then follow the rule.
 */

/** The mark, appended after the body's last line. */
export const DECORATED_MARK = '<!-- courier:decorated -->';

/** Characters the mark adds to a body (kept free when a body is cut to GitHub's limit). */
export const DECORATED_MARK_ROOM = DECORATED_MARK.length + 2;

/** True when `body` carries the mark. */
export function isDecorated(body: string): boolean {
  return body.includes(DECORATED_MARK);
}

/** `body` with the mark (idempotent). */
export function markDecorated(body: string): string {
  return isDecorated(body) ? body : `${body}\n\n${DECORATED_MARK}`;
}

/** The body a PR converges to: `body`, carrying the mark when the PR already has it (a rewrite must not drop it). */
export function keepDecoratedMark(body: string, existing: { body: string } | null): string {
  return existing && isDecorated(existing.body) ? markDecorated(body) : body;
}
