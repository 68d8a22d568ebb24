/** Durations in config are Go-style strings (`30s`, `5m`, `1h30m`, `250ms`), as Flux writes its intervals. */

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** One or more `<integer><unit>` parts, largest units first is not enforced (Go does not either). */
export const DURATION_PATTERN = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART = /(\d+)(ms|s|m|h|d)/g;

/** Thrown for text that is not a duration. */
export class InvalidDurationError extends Error {
  constructor(readonly text: string) {
    super(`"${text}" is not a duration: write it like "30s", "5m" or "1h30m" (units ms, s, m, h, d)`);
    this.name = 'InvalidDurationError';
  }
}

/** Milliseconds of a duration string like "30s", "5m" or "1h30m"; throws InvalidDurationError. */
export function parseDuration(text: string): number {
  if (typeof text !== 'string' || !DURATION_PATTERN.test(text)) throw new InvalidDurationError(String(text));
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(PART)) ms += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return ms;
}
