/** Go's `Regexp.Expand` template rules (https://pkg.go.dev/regexp#Regexp.Expand) over a translated Go regexp. */
import type { GoRegexp } from './go-regexp.ts';

/** Parses the name after `$` like Go's regexp `extract`: `name`/`{name}`, number when all digits without a leading zero. */
function extractName(template: string): { name: string; num: number; rest: string } | undefined {
  let s = template;
  const brace = s.startsWith('{');
  if (brace) s = s.slice(1);
  const m = /^[\p{L}\p{Nd}_]+/u.exec(s);
  if (!m) return undefined;
  const name = m[0];
  let end = name.length;
  if (brace) {
    if (s[end] !== '}') return undefined;
    end++;
  }
  const num = /^(0|[1-9][0-9]{0,7})$/.test(name) ? Number(name) : -1;
  return { name, num, rest: s.slice(end) };
}

/** Go's `Regexp.ExpandString`: `$1`, `${1}`, `$name`, `${name}`, `$$`; unknown groups expand to nothing. */
export function expandGoTemplate(re: GoRegexp, template: string, match: ReadonlyArray<string | undefined>): string {
  let out = '';
  let rest = template;
  for (;;) {
    const at = rest.indexOf('$');
    if (at < 0) break;
    out += rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const ref = extractName(rest);
    if (!ref) {
      out += '$';
      continue;
    }
    rest = ref.rest;
    const index = ref.num >= 0 ? ref.num : re.groupNames.indexOf(ref.name);
    if (index >= 0) out += match[index] ?? '';
  }
  return out + rest;
}
