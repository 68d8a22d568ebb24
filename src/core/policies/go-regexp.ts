/**
 * Go RE2 regular expressions (Flux's `filterTags.pattern`, `exclusionList`) translated to JS `RegExp`,
 * See https://pkg.go.dev/regexp/syntax; Go's `Regexp.Expand` lives in `policies/go-expand.ts`.
 *
 * The translation keeps Go's meaning where JS differs: `\s` is ASCII (`[\t\n\f\r ]`), `(?P<name>…)`
 * works with any word-character name, `]` first in a class is literal, a `{` that is not a repeat is
 * literal, `.` excludes only `\n`, and constructs RE2 rejects (lookaround, backreferences, nested repetition) are rejected.
 * Known limits: inline flags only at the very start (`(?i)abc`; Node 20 has no scoped modifiers),
 * `\p{…}`, `\C` and negated POSIX classes are rejected rather than translated.
 */

/** A Go pattern that cannot be compiled (by Go, or by this translation). */
export class GoRegexpError extends Error {
  constructor(
    readonly pattern: string,
    readonly detail: string,
  ) {
    super(`error parsing regexp: ${detail}: \`${pattern}\``);
    this.name = 'GoRegexpError';
  }
}

/** A compiled Go pattern: the JS regex and the Go group names by group number (index 0 = whole match). */
export interface GoRegexp {
  readonly pattern: string;
  readonly regex: RegExp;
  readonly groupNames: readonly string[];
}

const GO_SPACE = '\\t\\n\\f\\r ';
const NOT_GO_SPACE_IN_CLASS = '\\0-\\x08\\x0B\\x0E-\\x1F!-\\u{10FFFF}';
const ANY = '[\\s\\S]';
const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\0-\\x7F',
  blank: '\\t ',
  cntrl: '\\0-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};
const REPEAT = /^\{(\d+)(,(\d*))?\}/;
const MAX_REPEAT = 1000;

/** A JS (u-mode) literal for one code point. */
function lit(cp: number): string {
  const ch = String.fromCodePoint(cp);
  return /^[A-Za-z0-9_ ]$/.test(ch) ? ch : `\\u{${cp.toString(16)}}`;
}

type ClassAtom = { cp: number } | { set: string };

class Translator {
  private i = 0;
  private out = '';
  readonly names: string[] = [''];
  flags = '';

  constructor(private readonly p: string) {}

  private fail(detail: string): never {
    throw new GoRegexpError(this.p, detail);
  }

  translate(): string {
    const p = this.p;
    for (let m = /^\(\?([a-zA-Z]+)\)/.exec(p); m; m = /^\(\?([a-zA-Z]+)\)/.exec(p.slice(this.i))) {
      for (const f of m[1] ?? '') {
        if (f === 'U') this.fail('the ungreedy flag (?U) is not supported by Courier');
        if (!'ims'.includes(f)) this.fail(`invalid or unsupported Perl syntax: \`(?${f}\``);
        if (!this.flags.includes(f)) this.flags += f;
      }
      this.i += m[0].length;
    }
    let depth = 0;
    while (this.i < p.length) {
      const c = p[this.i] as string;
      if (c === '\\') {
        this.out += this.escape(false);
      } else if (c === '[') {
        this.charClass();
      } else if (c === '(') {
        this.openGroup();
        depth++;
      } else if (c === ')') {
        if (--depth < 0) this.fail('unexpected ): `' + p + '`');
        this.out += ')';
        this.i++;
      } else if (c === '*' || c === '+' || c === '?') {
        this.out += c;
        this.i++;
        this.afterRepeat();
      } else if (c === '{' && REPEAT.test(p.slice(this.i))) {
        this.repeatCount();
      } else if (c === '.') {
        // Go's `.` excludes only `\n`; JS's also excludes `\r`, U+2028 and U+2029.
        this.out += this.flags.includes('s') ? '.' : '[^\\n]';
        this.i++;
      } else if (c === '^' || c === '$' || c === '|') {
        this.out += c;
        this.i++;
      } else {
        const cp = p.codePointAt(this.i) as number;
        this.out += lit(cp);
        this.i += cp > 0xffff ? 2 : 1;
      }
    }
    if (depth > 0) this.fail('missing closing )');
    return this.out;
  }

  private repeatCount(): void {
    const m = REPEAT.exec(this.p.slice(this.i)) as RegExpExecArray;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    if (min > MAX_REPEAT || (max !== Infinity && (max > MAX_REPEAT || max < min))) {
      this.fail(`invalid repeat count: \`${m[0]}\``);
    }
    this.out += m[0];
    this.i += m[0].length;
    this.afterRepeat();
  }

  /** Consumes a lazy `?` and rejects Go's "invalid nested repetition operator". */
  private afterRepeat(): void {
    if (this.p[this.i] === '?') {
      this.out += '?';
      this.i++;
    }
    const next = this.p[this.i];
    if (next === '*' || next === '+' || next === '?' || (next === '{' && REPEAT.test(this.p.slice(this.i)))) {
      this.fail('invalid nested repetition operator');
    }
  }

  private openGroup(): void {
    const rest = this.p.slice(this.i);
    if (/^\(\?(=|!|<=|<!)/.test(rest)) this.fail('invalid or unsupported Perl syntax: lookaround is not supported by RE2');
    if (/^\(\?P[=>]/.test(rest)) this.fail('invalid or unsupported Perl syntax: backreferences are not supported by RE2');
    const named = /^\(\?P?<([^>]*)>/.exec(rest);
    if (named) {
      const name = named[1] ?? '';
      if (!/^[A-Za-z0-9_]+$/.test(name)) this.fail(`invalid named capture: \`${named[0]}\``);
      if (this.names.includes(name)) this.fail(`duplicate capture group name: \`${named[0]}\``);
      this.names.push(name);
      this.out += '(';
      this.i += named[0].length;
    } else if (rest.startsWith('(?:')) {
      this.out += '(?:';
      this.i += 3;
    } else if (rest.startsWith('(?')) {
      if (/^\(\?[a-zA-Z-]*[:)]/.test(rest)) this.fail('inline flags are supported only at the start of the pattern');
      this.fail('invalid or unsupported Perl syntax: `(?`');
    } else {
      this.names.push('');
      this.out += '(';
      this.i++;
    }
  }

  /** Translates the escape at `this.i` (a backslash); returns JS text, or a class set when `inClass`. */
  private escape(inClass: boolean): string {
    const p = this.p;
    const c = p[this.i + 1];
    if (c === undefined) this.fail('trailing backslash at end of expression');
    this.i += 2;
    if (c >= '1' && c <= '9') {
      if (c > '7' || !/[0-7]/.test(p[this.i] ?? '')) this.fail(`invalid escape sequence: \`\\${c}\` (backreferences are not supported by RE2)`);
    }
    if (c >= '0' && c <= '7') {
      let digits = c;
      while (digits.length < 3 && /[0-7]/.test(p[this.i] ?? '')) digits += p[this.i++];
      return lit(parseInt(digits, 8));
    }
    switch (c) {
      case 'x': {
        const m = /^(?:\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{2}))/.exec(p.slice(this.i));
        const cp = m ? parseInt(m[1] ?? m[2] ?? '', 16) : NaN;
        if (!m || cp > 0x10ffff) this.fail('invalid escape sequence: `\\x`');
        this.i += m[0].length;
        return lit(cp);
      }
      case 'a':
        return '\\x07';
      case 'f':
      case 't':
      case 'n':
      case 'r':
      case 'v':
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return '\\' + c;
      case 's':
        return inClass ? GO_SPACE : `[${GO_SPACE}]`;
      case 'S':
        return inClass ? NOT_GO_SPACE_IN_CLASS : `[^${GO_SPACE}]`;
    }
    if (!inClass) {
      if (c === 'Q') {
        const end = p.indexOf('\\E', this.i);
        const text = p.slice(this.i, end < 0 ? p.length : end);
        this.i = end < 0 ? p.length : end + 2;
        return [...text].map((ch) => lit(ch.codePointAt(0) as number)).join('');
      }
      if (c === 'b' || c === 'B') return '\\' + c;
      if (c === 'A') return `(?<!${ANY})`;
      if (c === 'z') return `(?!${ANY})`;
    }
    if (c === 'p' || c === 'P' || c === 'C') this.fail(`\\${c} is not supported by Courier`);
    if (c.charCodeAt(0) < 0x80 && !/[A-Za-z0-9]/.test(c)) return lit(c.charCodeAt(0));
    this.fail(`invalid escape sequence: \`\\${c}\``);
  }

  private classAtom(): ClassAtom {
    const p = this.p;
    const posix = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(this.i));
    if (posix) {
      const set = POSIX_CLASSES[posix[2] ?? ''];
      if (!set || posix[1]) this.fail(`invalid character class range: \`${posix[0]}\``);
      this.i += posix[0].length;
      return { set };
    }
    if (p[this.i] === '\\') {
      const start = this.i;
      const text = this.escape(true);
      const single = /^(?:\\u\{([0-9a-f]+)\}|([A-Za-z0-9_ ])|\\x07|\\([tnrvf]))$/.exec(text);
      if (!single) return { set: text };
      if (single[1]) return { cp: parseInt(single[1], 16) };
      if (single[2]) return { cp: single[2].charCodeAt(0) };
      if (text === '\\x07') return { cp: 7 };
      return { cp: ({ t: 9, n: 10, v: 11, f: 12, r: 13 } as Record<string, number>)[single[3] ?? ''] ?? p.charCodeAt(start + 1) };
    }
    const cp = p.codePointAt(this.i) as number;
    this.i += cp > 0xffff ? 2 : 1;
    return { cp };
  }

  private charClass(): void {
    const p = this.p;
    this.i++;
    let body = '';
    if (p[this.i] === '^') {
      body += '^';
      this.i++;
    }
    let first = true;
    for (;;) {
      if (this.i >= p.length) this.fail(`missing closing ]: \`${p}\``);
      if (p[this.i] === ']' && !first) {
        this.i++;
        break;
      }
      first = false;
      const lo = this.classAtom();
      if (p[this.i] === '-' && p[this.i + 1] !== ']' && this.i + 1 < p.length) {
        this.i++;
        const hi = this.classAtom();
        if (!('cp' in lo) || !('cp' in hi) || hi.cp < lo.cp) this.fail('invalid character class range');
        body += `${lit(lo.cp)}-${lit(hi.cp)}`;
      } else {
        body += 'cp' in lo ? lit(lo.cp) : lo.set;
      }
    }
    this.out += `[${body}]`;
  }
}

/** Compiles a Go RE2 pattern to an equivalent JS regex; throws GoRegexpError when Go (or Courier) rejects it. */
export function compileGoRegexp(pattern: string): GoRegexp {
  const t = new Translator(pattern);
  const source = t.translate();
  let regex: RegExp;
  try {
    regex = new RegExp(source, t.flags + 'u');
  } catch (err) {
    throw new GoRegexpError(pattern, (err as Error).message);
  }
  return { pattern, regex, groupNames: t.names };
}
