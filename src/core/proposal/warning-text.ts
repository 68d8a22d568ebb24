/**
 * A warning as people read it: where (`file:line`) once, then what happened. Messages are written to
 * stand alone in logs, so most begin with their own location; renderings that print the location
 * beside them (the CLI, PR bodies) take it off the message instead of saying it twice.
 */
import type { Warning } from './change.ts';

/** The location (`file:line`, '' when the warning has no file) and the message without a leading copy of it. */
export function warningText(w: Warning): { location: string; text: string } {
  if (!w.file) return { location: '', text: w.message };
  const location = `${w.file}${w.line ? `:${w.line}` : ''}`;
  if (!w.message.startsWith(w.file)) return { location, text: w.message };
  const rest = w.message.slice(w.file.length).replace(/^:\d+/, '');
  // `file:line: message` and `file:line field: message` lose the location; `file is …` reads as a sentence about the file.
  if (/^ (?:is|was|has|holds)\b/.test(rest)) return { location, text: `this file${rest}` };
  if (!/^[:\s]/.test(rest)) return { location, text: w.message }; // a longer path that starts alike
  return { location, text: rest.replace(/^:?\s*/, '') };
}
