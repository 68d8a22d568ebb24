/**
 * Image values that may carry Flux postBuild variables (`${VAR}`, `${VAR:=default}`): where each
 * part (name, tag, digest) sits, which variables fill which part, and whether the name denotes a repository.
 */
import { tryParseImageRef } from './image-ref.ts';

/** One `${…}` occurrence. */
export interface TemplateVariable {
  variable: string;
  start: number;
  end: number;
  role: 'name' | 'tag' | 'digest';
}

/** An image value split into its parts, positions kept so a literal tag can be replaced in place. */
export interface ImageTemplate {
  value: string;
  /** Text before the tag (`repo`), with variables as written. */
  name: string;
  tag?: { text: string; start: number; end: number };
  digest?: { text: string; start: number; end: number };
  variables: TemplateVariable[];
}

/** `${NAME}` or `${NAME<op>default}`; group 1 is the name, group 2 the text after the operator. */
const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:[:]?[-=+?]([^}]*))?\}/g;

/** Splits `name[:tag][@digest]` where any part may hold `${var}`; variables never split a part. */
export function parseImageTemplate(value: string): ImageTemplate {
  const found: Array<{ variable: string; start: number; end: number }> = [];
  for (const match of value.matchAll(VARIABLE)) {
    found.push({ variable: match[1]!, start: match.index, end: match.index + match[0].length });
  }
  // Mask variables so `:=` or `@` inside a default cannot be mistaken for separators.
  let masked = value;
  for (const v of found) masked = masked.slice(0, v.start) + 'x'.repeat(v.end - v.start) + masked.slice(v.end);
  const at = masked.indexOf('@');
  const beforeDigest = at >= 0 ? at : masked.length;
  const colon = masked.lastIndexOf(':', beforeDigest - 1);
  const hasTag = colon > masked.lastIndexOf('/', beforeDigest - 1) && colon >= 0;
  const nameEnd = hasTag ? colon : beforeDigest;
  const template: ImageTemplate = { value, name: value.slice(0, nameEnd), variables: [] };
  if (hasTag) template.tag = { text: value.slice(colon + 1, beforeDigest), start: colon + 1, end: beforeDigest };
  if (at >= 0) template.digest = { text: value.slice(at + 1), start: at + 1, end: value.length };
  template.variables = found.map((v) => ({
    ...v,
    role: at >= 0 && v.start > at ? 'digest' : hasTag && v.start > colon ? 'tag' : 'name',
  }));
  return template;
}

/** Replaces every variable by `lookup(name)`, else the default written after its operator, else ''. */
export function fillVariables(text: string, lookup: (variable: string) => string | undefined): string {
  return text.replace(VARIABLE, (_, variable: string, fallback?: string) => lookup(variable) ?? fallback ?? '');
}

/** True when the value holds at least one `${…}` variable. */
export function hasVariables(value: string): boolean {
  return value.includes('${');
}

/** Spellings under which a canonical repository may be written (`docker.io/library/nginx` → `nginx`, …). */
export function spellings(repository: string): string[] {
  const out = [repository];
  if (repository.startsWith('docker.io/')) {
    const path = repository.slice('docker.io/'.length);
    out.push(path);
    if (path.startsWith('library/')) out.push(path.slice('library/'.length));
  }
  return out;
}

/**
 * True when a name (possibly holding variables, which may stand for anything) can denote `repository`.
 * A literal name is compared canonically.
 */
export function nameDenotes(name: string, repository: string): boolean {
  if (!hasVariables(name)) return tryParseImageRef(name)?.repository === repository;
  let pattern = '';
  let cursor = 0;
  for (const match of name.matchAll(VARIABLE)) {
    pattern += escapeRegExp(name.slice(cursor, match.index)) + '.+';
    cursor = match.index + match[0].length;
  }
  pattern += escapeRegExp(name.slice(cursor));
  const regex = new RegExp(`^${pattern}$`);
  return spellings(repository).some((spelling) => regex.test(spelling));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
