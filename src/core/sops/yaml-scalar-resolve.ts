/**
 * How yaml.v3 (the parser sops uses) resolves a plain YAML scalar: YAML 1.2 core booleans, Go-style
 * ints (`0x`, `0o`, `0b`, `_` separators), floats with `.inf`/`.nan`, and timestamps (FORMAT.md §5).
 * The type decides both the `type:` of an encrypted value and the MAC bytes of a plaintext one.
 */
import type { SopsScalar } from './sops-scalar.ts';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DATETIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt]| +)(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?(?: *(Z|z|[+-]\d{1,2}(?::?\d{2})?))?$/;

const pad = (n: string, w = 2) => n.padStart(w, '0');

/** Go's `Time.MarshalText` (RFC3339Nano) of a YAML timestamp. */
function timestamp(plain: string): string | undefined {
  const d = DATE.exec(plain);
  if (d) return `${d[1]}-${pad(d[2]!)}-${pad(d[3]!)}T00:00:00Z`;
  const t = DATETIME.exec(plain);
  if (!t) return undefined;
  const frac = (t[7] ?? '').slice(0, 9).replace(/0+$/, '');
  let zone = (t[8] ?? 'Z').toUpperCase();
  if (zone !== 'Z') {
    const z = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone)!;
    zone = `${z[1]}${pad(z[2]!)}:${z[3] ?? '00'}`;
  }
  return `${t[1]}-${pad(t[2]!)}-${pad(t[3]!)}T${pad(t[4]!)}:${pad(t[5]!)}:${pad(t[6]!)}${frac ? `.${frac}` : ''}${zone}`;
}

/** Go `strconv.ParseInt(s, 0, 64)` for the forms yaml.v3 accepts; undefined when it is not an int64. */
function goInt(text: string): bigint | undefined {
  const m = /^([-+]?)(0[bB][01]+|0[oO][0-7]+|0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  let body = m[2]!;
  if (/^0[0-7]+$/.test(body)) body = `0o${body.slice(1)}`; // legacy octal, as ParseInt base 0 reads it
  const v = (m[1] === '-' ? -1n : 1n) * BigInt(body.toLowerCase());
  return v >= INT64_MIN && v <= INT64_MAX ? v : undefined;
}

/** The value of a plain scalar, or null for YAML null. */
export function resolvePlainScalar(plain: string): SopsScalar | null {
  if (['', '~', 'null', 'Null', 'NULL'].includes(plain)) return null;
  if (['true', 'True', 'TRUE'].includes(plain)) return { type: 'bool', value: true };
  if (['false', 'False', 'FALSE'].includes(plain)) return { type: 'bool', value: false };
  const noSep = plain.replace(/_/g, '');
  const i = goInt(noSep);
  if (i !== undefined) return { type: 'int', value: i };
  if (FLOAT.test(noSep)) return { type: 'float', value: Number(noSep) };
  const inf = /^([-+]?)\.(inf|Inf|INF)$/.exec(plain);
  if (inf) return { type: 'float', value: inf[1] === '-' ? -Infinity : Infinity };
  if (['.nan', '.NaN', '.NAN'].includes(plain)) return { type: 'float', value: NaN };
  if (/^\d/.test(plain)) {
    const t = timestamp(plain);
    if (t) return { type: 'time', value: t };
  }
  return { type: 'str', value: plain };
}
