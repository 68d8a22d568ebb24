/**
 * A small JSON reader that keeps what `JSON.parse` loses: key order (integer-like keys included),
 * duplicate keys, whether a number was written as an integer, and each value's byte range.
 */

export type JsonNode =
  | { type: 'object'; start: number; end: number; entries: Array<{ key: string; keyStart: number; value: JsonNode }> }
  | { type: 'array'; start: number; end: number; items: JsonNode[] }
  | { type: 'string'; start: number; end: number; value: string }
  | { type: 'number'; start: number; end: number; raw: string }
  | { type: 'bool'; start: number; end: number; value: boolean }
  | { type: 'null'; start: number; end: number };

export class JsonSyntaxError extends Error {
  constructor(readonly offset: number, message: string) {
    super(message);
  }
}

export function parseJsonText(text: string): JsonNode {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new JsonSyntaxError(i, what);
  };
  const str = (): { value: string; start: number; end: number } => {
    const start = i;
    if (text[i] !== '"') fail('expected a string');
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    return { value: JSON.parse(text.slice(start, i)) as string, start, end: i };
  };
  const value = (): JsonNode => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: Array<{ key: string; keyStart: number; value: JsonNode }> = [];
      ws();
      if (text[i] === '}') return (i++, { type: 'object', start, end: i, entries });
      for (;;) {
        ws();
        const k = str();
        ws();
        if (text[i] !== ':') fail('expected ":"');
        i++;
        entries.push({ key: k.value, keyStart: k.start, value: value() });
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return (i++, { type: 'object', start, end: i, entries });
        else fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      ws();
      if (text[i] === ']') return (i++, { type: 'array', start, end: i, items });
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return (i++, { type: 'array', start, end: i, items });
        else fail('expected "," or "]"');
      }
    }
    if (c === '"') return { type: 'string', ...str() };
    const lit = /^(true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!lit) return fail('unexpected character');
    i += lit[1]!.length;
    const raw = lit[1]!;
    if (raw === 'null') return { type: 'null', start, end: i };
    if (raw === 'true' || raw === 'false') return { type: 'bool', start, end: i, value: raw === 'true' };
    return { type: 'number', start, end: i, raw };
  };
  const root = value();
  ws();
  if (i < text.length) fail('unexpected text after the JSON value');
  return root;
}

/** Plain JavaScript of a node (for the metadata block). */
export function jsonToJs(n: JsonNode): unknown {
  switch (n.type) {
    case 'object':
      return Object.fromEntries(n.entries.map((e) => [e.key, jsonToJs(e.value)]));
    case 'array':
      return n.items.map(jsonToJs);
    case 'number':
      return Number(n.raw);
    case 'null':
      return null;
    default:
      return n.value;
  }
}
