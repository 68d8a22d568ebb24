/**
 * Typed leaf values and their byte form (`ToBytes` in getsops/sops `sops.go`): the same bytes are the
 * AES plaintext and the MAC input. Formatting follows Go (FORMAT.md §2 and §5).
 */

/** A non-null leaf value. `str` holds bytes only in the binary store, where the file may be non-UTF-8. */
export type SopsScalar =
  | { type: 'str'; value: string | Uint8Array }
  | { type: 'int'; value: bigint }
  | { type: 'float'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'time'; value: string };

export type SopsValueType = SopsScalar['type'] | 'comment' | 'bytes';

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/** Go `strconv.FormatFloat(v, 'f', -1, 64)`: shortest round-trip digits, never an exponent. */
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  const s = String(v);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, lead, frac = '', exp] = m;
  const digits = lead! + frac;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** The plaintext / MAC bytes of a value. */
export function scalarBytes(s: SopsScalar): Uint8Array {
  switch (s.type) {
    case 'str':
      return typeof s.value === 'string' ? utf8.encode(s.value) : s.value;
    case 'int':
      return utf8.encode(s.value.toString());
    case 'float':
      return utf8.encode(formatGoFloat(s.value));
    case 'bool':
      return utf8.encode(s.value ? 'True' : 'False');
    case 'time':
      return utf8.encode(s.value);
  }
}

/** Go `strconv.ParseBool`. */
function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/**
 * Reads decrypted plaintext by its `type` as Go sops does (parse, so the MAC hashes the re-serialised
 * value). Returns undefined when the text does not parse as that type. `raw` keeps the bytes for `str`.
 */
export function scalarFromPlaintext(type: string, plain: Uint8Array, raw = false): SopsScalar | undefined {
  const text = utf8Decoder.decode(plain);
  switch (type) {
    case 'str':
    case 'bytes':
      return { type: 'str', value: raw ? plain : text };
    case 'int':
      return /^[+-]?\d+$/.test(text) ? { type: 'int', value: BigInt(text) } : undefined;
    case 'float': {
      const v = Number(text);
      return text.trim() !== '' && !Number.isNaN(v) ? { type: 'float', value: v } : text === 'NaN' ? { type: 'float', value: NaN } : undefined;
    }
    case 'bool': {
      const b = parseGoBool(text);
      return b === undefined ? undefined : { type: 'bool', value: b };
    }
    case 'time':
      return { type: 'time', value: text };
    default:
      return undefined;
  }
}

/** The value as a JSON-like JavaScript value (ints as numbers when safe), for callers and tests. */
export function scalarToJs(s: SopsScalar): string | number | boolean | bigint | Uint8Array {
  if (s.type === 'int') return s.value >= BigInt(Number.MIN_SAFE_INTEGER) && s.value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s.value) : s.value;
  return s.value;
}
