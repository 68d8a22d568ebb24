/**
 * A strict port of the inputs Go's `strconv.ParseFloat(s, 64)` accepts: decimal (`1`, `-1.5`, `.5`,
 * `1.`, `1e3`), hexadecimal with a binary exponent (`0x1p-2`), `inf`/`infinity` with optional sign and
 * `nan` (case-insensitive). Overflow is an error, as in Go. Known limit: Go's `_` digit separators
 * (hex forms only) are rejected.
 */

const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX = /^([+-]?)0[xX]([0-9A-Fa-f]*)\.?([0-9A-Fa-f]*)[pP]([+-]?[0-9]+)$/;

/** The float64 value of `text` as Go parses it, or undefined when Go would return an error. */
export function parseGoFloat(text: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  let value: number;
  if (DECIMAL.test(text)) {
    value = Number(text);
  } else {
    const m = HEX.exec(text);
    if (!m) return undefined;
    const [, sign, int = '', frac = '', exp = '0'] = m;
    if (int === '' && frac === '') return undefined;
    value = parseInt(int + frac || '0', 16) * 2 ** (Number(exp) - 4 * frac.length);
    if (sign === '-') value = -value;
  }
  return Number.isFinite(value) ? value : undefined;
}
