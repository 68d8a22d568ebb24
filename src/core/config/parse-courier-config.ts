/**
 * Reading `.github/courier.yml`: YAML syntax errors and schema problems are all reported, each with
 * its path and line, so a failing `courier/config` check can list every one. Nothing is half-applied.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { CONFIG_PATH } from './config-path.ts';
import { courierConfigSchema, type CourierConfig } from './courier-config-schema.ts';

/** One thing wrong with a config: where (`environments[1].paths[0]`, and the line when known) and what. */
export interface ConfigProblem {
  path: string;
  message: string;
  line?: number;
}

/** Either a valid config with defaults filled in, or every problem found. */
export type ConfigResult = { ok: true; config: CourierConfig } | { ok: false; problems: ConfigProblem[] };

/** `['environments', 1, 'paths', 0]` → `environments[1].paths[0]`. */
export function formatConfigPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out.length === 0 ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Parses and validates the config file text; never throws. */
export function parseCourierConfig(text: string, file = CONFIG_PATH): ConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((err) => {
        const line = err.linePos?.[0]?.line ?? lineCounter.linePos(err.pos[0]).line;
        return { path: '', line, message: `${file}:${line}: YAML syntax error: ${firstLine(err.message)}` };
      }),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (err) {
    // Aliases fail only here: one naming no anchor, or so many that expanding them would exhaust memory.
    const line = firstAliasLine(doc, lineCounter);
    const where = line === undefined ? file : `${file}:${line}`;
    return { ok: false, problems: [{ path: '', ...(line === undefined ? {} : { line }), message: `${where}: YAML error: ${firstLine((err as Error).message)}` }] };
  }
  if (value === null || value === undefined) {
    return { ok: false, problems: [{ path: '', line: 1, message: `${file} is empty: declare at least "environments"` }] };
  }
  const result = check(value);
  if (result.ok) return result;
  return {
    ok: false,
    problems: result.problems.map(({ keys, ...p }) => {
      const line = lineOf(doc, keys, lineCounter);
      return line === undefined ? p : { ...p, line };
    }),
  };
}

/** Validates an already-parsed object (Probot's `context.config` result); never throws. */
export function validateCourierConfig(value: unknown): ConfigResult {
  const result = check(value);
  return result.ok ? result : { ok: false, problems: result.problems.map(({ keys: _keys, ...p }) => p) };
}

type KeyedProblem = ConfigProblem & { keys: PropertyKey[] };

function check(value: unknown): { ok: true; config: CourierConfig } | { ok: false; problems: KeyedProblem[] } {
  const parsed = courierConfigSchema.safeParse(value);
  if (parsed.success) return { ok: true, config: parsed.data };
  const problems: KeyedProblem[] = [];
  for (const issue of parsed.error.issues) {
    for (const { keys, message } of explain(issue)) problems.push({ path: formatConfigPath(keys), message, keys });
  }
  return { ok: false, problems };
}

function explain(issue: z.core.$ZodIssue): Array<{ keys: PropertyKey[]; message: string }> {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ keys: [...issue.path, key], message: `unknown key "${key}"` }));
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return [{ keys: issue.path, message: `required: ${issue.message}` }];
  }
  return [{ keys: issue.path, message: issue.message }];
}

/** Line of the first alias (`*name`) naming no anchor, else of the first alias; undefined without aliases. */
function firstAliasLine(doc: Document, lineCounter: LineCounter): number | undefined {
  let first: number | undefined;
  let unresolved: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      first ??= node.range?.[0];
      if (node.resolve(doc) !== undefined) return undefined;
      unresolved = node.range?.[0];
      return visit.BREAK;
    },
  });
  const offset = unresolved ?? first;
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** Line of the deepest node that exists on the path (a missing key points at its parent). */
function lineOf(doc: Document, keys: readonly PropertyKey[], lineCounter: LineCounter): number | undefined {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0];
  for (const key of keys) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key];
      if (item === undefined) break;
      node = item;
      offset = (item as Node).range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}
