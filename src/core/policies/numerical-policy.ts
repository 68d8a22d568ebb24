/** Flux's `numerical` policy (image-reflector-controller `internal/policy/numerical.go`). */
import { PolicyError } from './tag-policy.ts';
import { parseGoFloat } from './go-parse-float.ts';
import { emptyListError, parseOrder, type ValuePolicy } from './value-policy.ts';

/**
 * `asc` (default) picks the largest number, `desc` the smallest; equal values: the later one wins.
 * Every value must parse as a Go float64, or the whole selection fails, as in Flux.
 */
export function numericalPolicy(order?: string): ValuePolicy {
  const asc = parseOrder(order) === 'ASC';
  const sign = asc ? 1 : -1;
  const num = (value: string): number => {
    const n = parseGoFloat(value);
    if (n === undefined) throw new PolicyError(`failed to parse invalid numeric value '${value}'`, 'NoCandidate');
    return n;
  };
  return {
    accepts: (value) => parseGoFloat(value) !== undefined,
    compare(a, b) {
      const x = parseGoFloat(a);
      const y = parseGoFloat(b);
      if (x === undefined || y === undefined) return x !== undefined ? 1 : y !== undefined ? -1 : 0;
      return sign * (Number(x > y) - Number(x < y));
    },
    latest(values) {
      if (values.length === 0) throw emptyListError();
      let best: { value: string; n: number } | undefined;
      for (const value of values) {
        const n = num(value);
        if (!best || (asc ? n >= best.n : n <= best.n)) best = { value, n };
      }
      return (best as { value: string }).value;
    },
    describe: () => `numerical ${asc ? 'asc' : 'desc'}`,
  };
}
