/**
 * GitHub refuses a pull request body over 65,536 characters ("Body is too long"), and a grouped PR
 * of many images over a large fleet (one line per changed file) easily exceeds it. The visible part
 * is cut at a line end with a note; the hidden blocks at the end (metadata, supersede note), which
 * Courier parses back, are always kept whole.
 */

/** The longest pull request body GitHub accepts, in characters. */
export const MAX_PR_BODY_CHARS = 65_536;

const HIDDEN_START = '<!-- courier-metadata';

/** `body` unchanged when it fits, else its visible part shortened so the whole fits. Deterministic. */
export function fitPullRequestBody(body: string, max = MAX_PR_BODY_CHARS): string {
  if (body.length <= max) return body;
  const hiddenAt = body.lastIndexOf(HIDDEN_START);
  const visible = hiddenAt >= 0 ? body.slice(0, hiddenAt) : body;
  const hidden = hiddenAt >= 0 ? body.slice(hiddenAt) : '';
  const note = `\n\n_…${visible.length} characters in all: the rest of this description was cut to GitHub's limit of ${max} characters. The commits hold every change._\n\n`;
  const room = max - hidden.length - note.length;
  if (room <= 0) return body;
  const cut = visible.slice(0, room);
  const lineEnd = cut.lastIndexOf('\n');
  return `${lineEnd > 0 ? cut.slice(0, lineEnd) : cut}${note}${hidden}`;
}
