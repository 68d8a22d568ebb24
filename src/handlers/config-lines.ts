/** Finds the line of a config field in YAML text, so check-run annotations point at it. */
import { isCollection, LineCounter, parseDocument } from 'yaml';

/** Splits `environments[0].paths`, `environments.0.paths` or `/environments/0/paths` into keys. */
export function splitFieldPath(path: string): Array<string | number> {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split(/[./]/)
    .filter((part) => part !== '')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/**
 * 1-based line of the deepest node along `path` that exists in `text` (a missing key points at its
 * parent); undefined when the text does not parse or the path starts outside it.
 */
export function lineOfField(text: string, path: string): number | undefined {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length > 0) return undefined;
  let node: unknown = doc.contents;
  let found: { range?: [number, number, number] | null } | undefined;
  for (const key of splitFieldPath(path)) {
    if (!isCollection(node)) break;
    // Pairs point at the key, which is where a human looks for a field.
    const pair = node.items.find(
      (item, index) => (typeof key === 'number' ? index === key : (item as { key?: { value?: unknown } }).key?.value === key),
    ) as { key?: { range?: [number, number, number] }; value?: unknown; range?: [number, number, number] } | undefined;
    if (!pair) break;
    const target = (typeof key === 'number' ? pair : pair.key) as { range?: [number, number, number] } | undefined;
    if (target?.range) found = target;
    node = typeof key === 'number' ? pair : pair.value;
  }
  if (!found?.range) return undefined;
  return counter.linePos(found.range[0]).line;
}
