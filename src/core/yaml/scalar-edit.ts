/**
 * Byte-minimal scalar edits: only the bytes of the old value are replaced; the scalar keeps its
 * quoting style. The edited text is re-parsed to prove every edited scalar reads as intended.
 */
import { isScalar, parse, Scalar, visit } from 'yaml';
import { isParseFailure, parseYamlFile } from './yaml-file.ts';

/** One planned replacement of a scalar's value. */
export interface ScalarEdit {
  node: Scalar;
  value: string;
  inFlow: boolean;
}

/** Thrown when a value cannot be written into a scalar of that style. */
export class ScalarEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScalarEditError';
  }
}

const FLOW_INDICATORS = /[,[\]{}]/;

/**
 * True when `value` written as a plain scalar would not read back as that same string in YAML 1.2 or 1.1.
 * Like Flux (kyaml FormatNonStringStyle) we then double-quote it: Kubernetes tooling still reads
 * YAML 1.1 (`on`, `1:20`, `2024-01-01`), and a tag such as `1.10` must stay a string.
 */
export function needsQuotes(value: string, inFlow: boolean): boolean {
  if (value === '' || value.trim() !== value || value.includes('\n')) return true;
  if (inFlow && FLOW_INDICATORS.test(value)) return true;
  for (const version of ['1.1', '1.2'] as const) {
    try {
      const parsed: unknown = parse(`k: ${value}\n`, { version });
      if (typeof parsed !== 'object' || parsed === null || (parsed as Record<string, unknown>).k !== value) return true;
    } catch {
      return true;
    }
  }
  return false;
}

/** The source text that writes `value` in the style of `node` (plain values that would change type get double quotes). */
export function renderScalar(node: Scalar, value: string, inFlow: boolean): string {
  switch (node.type) {
    case Scalar.QUOTE_DOUBLE:
      return JSON.stringify(value);
    case Scalar.QUOTE_SINGLE:
      if (value.includes('\n')) return JSON.stringify(value);
      return `'${value.replaceAll("'", "''")}'`;
    case Scalar.BLOCK_LITERAL:
    case Scalar.BLOCK_FOLDED:
      throw new ScalarEditError('the value is a block scalar (| or >); Courier does not rewrite those');
    default:
      return needsQuotes(value, inFlow) ? JSON.stringify(value) : value;
  }
}

/** Where the value bytes of a scalar start and end in the file. */
function valueSpan(node: Scalar): [number, number] {
  const range = node.range;
  if (!range) throw new ScalarEditError('the scalar has no source position');
  return [range[0], range[1]];
}

/**
 * Applies scalar edits to `text` and verifies the result: every edited scalar must read back as its
 * new value, and nothing else may change meaning. Throws ScalarEditError when that cannot be guaranteed.
 */
export function applyScalarEdits(text: string, edits: readonly ScalarEdit[]): string {
  if (edits.length === 0) return text;
  const planned = edits
    .map((edit) => {
      const [start, end] = valueSpan(edit.node);
      let replacement = renderScalar(edit.node, edit.value, edit.inFlow);
      // An empty (null) value sits right after `key:`; the indicator needs a separating space.
      if (start === end) {
        if (start > 0 && !/\s/.test(text[start - 1] ?? '')) replacement = ` ${replacement}`;
        if (text[end] === '#') replacement = `${replacement} `;
      }
      return { start, end, replacement, value: edit.value };
    })
    .sort((a, b) => a.start - b.start);
  for (let i = 1; i < planned.length; i++) {
    if (planned[i]!.start < planned[i - 1]!.end || planned[i]!.start === planned[i - 1]!.start) {
      throw new ScalarEditError('two edits overlap');
    }
  }
  let out = '';
  let cursor = 0;
  const expected = new Map<number, string>();
  for (const p of planned) {
    out += text.slice(cursor, p.start);
    const leading = p.replacement.length - p.replacement.trimStart().length;
    expected.set(out.length + leading, p.value);
    out += p.replacement;
    cursor = p.end;
  }
  out += text.slice(cursor);
  if (!planned.every((p) => keepsTokens(p.replacement, p.value))) verify(out, expected);
  return out;
}

/** Characters that can neither end nor start a token inside a plain or quoted scalar. */
const INERT = /^[A-Za-z0-9][A-Za-z0-9._/@:+=-]*$/;

/**
 * True when the replacement is one scalar token the lexer cannot read differently from the old one:
 * a plain value of inert characters (no `: `, ` #`, flow indicators or leading indicator) that YAML 1.1
 * and 1.2 both read as that string, or a quoted one whose content needs no escape. Then the document's
 * structure is untouched and the full re-parse is skipped — it is half the planner's time on a
 * release burst. Anything else is verified by re-parsing the whole file.
 */
function keepsTokens(replacement: string, value: string): boolean {
  if (!INERT.test(value) || value.includes('::') || value.endsWith(':')) return false;
  if (replacement === value) return !needsQuotes(value, true);
  return replacement === `"${value}"` || replacement === `'${value}'`;
}

/** Re-parses edited text and checks each edited scalar (found by its new start offset). */
function verify(text: string, expected: Map<number, string>): void {
  const parsed = parseYamlFile(text);
  if (isParseFailure(parsed)) throw new ScalarEditError(`the edited file no longer parses (line ${parsed.line}: ${parsed.message})`);
  const seen = new Set<number>();
  for (const doc of parsed.documents) {
    visit(doc, {
      Scalar(_key, node) {
        const start = node.range?.[0];
        if (start === undefined || !expected.has(start) || !isScalar(node)) return;
        const want = expected.get(start);
        if (node.value !== want) {
          throw new ScalarEditError(`the edited value reads back as ${JSON.stringify(node.value)}, not ${JSON.stringify(want)}`);
        }
        seen.add(start);
      },
    });
  }
  if (seen.size !== expected.size) throw new ScalarEditError('an edited value could not be found after the edit');
}
