/** Flux's `alphabetical` policy (image-reflector-controller `internal/policy/alphabetical.go`). */
import { compareBytes, emptyListError, parseOrder, type ValuePolicy } from './value-policy.ts';

/** `asc` (default) picks the greatest value in byte-wise order, `desc` the smallest; every value is a candidate. */
export function alphabeticalPolicy(order?: string): ValuePolicy {
  const sign = parseOrder(order) === 'ASC' ? 1 : -1;
  const compare = (a: string, b: string): number => sign * compareBytes(a, b);
  return {
    accepts: () => true,
    compare,
    latest(values) {
      if (values.length === 0) throw emptyListError();
      return values.reduce((best, v) => (compare(v, best) > 0 ? v : best));
    },
    describe: () => `alphabetical ${sign > 0 ? 'asc' : 'desc'}`,
  };
}
