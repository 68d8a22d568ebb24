/**
 * Which files of a GitRepository reach Flux's artifact, judged as source-controller judges them: with
 * go-git v5's gitignore matcher through fluxcd/pkg/sourceignore
 * (https://github.com/fluxcd/pkg/blob/main/sourceignore/sourceignore.go), not with git's own rules.
 * The differences matter on real fleets: every path is judged on its own (the archiver walks into
 * excluded folders), the last matching pattern wins, and an anchored pattern matches a path's prefix,
 * so `/*` then `!/kubernetes/main` keeps everything under `kubernetes/main/` — git (and the `ignore`
 * package) would keep nothing there, because a parent folder is excluded.
 *
 * Patterns come from users' repositories: each path segment is matched by an RE2 program (re2js,
 * linear time), never by a backtracking matcher.
 */
import { RE2JS } from 're2js';

/** One parsed line (go-git `pattern`): scoped to `domain`, the folder of the `.sourceignore` it came from. */
export interface IgnorePattern {
  domain: readonly string[];
  /** Segments split on `/`; a leading empty segment anchors the pattern. */
  segments: readonly string[];
  inclusion: boolean;
  dirOnly: boolean;
  /** Holds a `/` (other than a trailing one): matched from the domain's root, by prefix. */
  isGlob: boolean;
}

/** source-controller's defaults (fluxcd/pkg/sourceignore `ExcludeVCS`, `ExcludeExt`, `ExcludeCI`, `ExcludeExtra`). */
const EXCLUDE_VCS = ['.git/', '.gitignore', '.gitmodules', '.gitattributes'];
const EXCLUDE_DEFAULT = [
  '*.jpg', '*.jpeg', '*.gif', '*.png', '*.wmv', '*.flv', '*.tar.gz', '*.zip',
  '.github/', '.circleci/', '.travis.yml', '.gitlab-ci.yml', 'appveyor.yml', '.drone.yml', 'cloudbuild.yaml', 'codeship-services.yml', 'codeship-steps.yml',
  '**/.goreleaser.yml', '**/.sops.yaml', '**/.flux.yaml',
];

/** Parses one ignore pattern as go-git's `ParsePattern` does. */
function parsePattern(line: string, domain: readonly string[]): IgnorePattern {
  let p = line;
  const inclusion = p.startsWith('!');
  if (inclusion) p = p.slice(1);
  if (!p.endsWith('\\ ')) p = p.replace(/ +$/, '');
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.slice(0, -1);
  return { domain, segments: p.split('/'), inclusion, dirOnly, isGlob: p.includes('/') };
}

/** Reads `.sourceignore`/`spec.ignore` text: `#` lines and blank lines are skipped (sourceignore `ReadPatterns`). */
export function parseSourceIgnore(text: string, domain: readonly string[]): IgnorePattern[] {
  return text
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('#') && line.trim().length > 0)
    .map((line) => parsePattern(line, domain));
}

const compiled = new Map<string, RE2JS | null>();

/** Go `filepath.Match` of one segment (no `/` in either); a malformed pattern matches nothing. */
function segmentMatch(pattern: string, name: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    const source = globToRe2(pattern);
    re = source === null ? null : RE2JS.compile(source, RE2JS.DOTALL);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re !== null && re.matches(name);
}

const hex = (ch: string) => `\\x{${ch.codePointAt(0)!.toString(16)}}`;

/** Translates Go `filepath.Match` syntax into an anchored RE2 expression, or null when malformed. */
export function globToRe2(pattern: string): string | null {
  const chars = [...pattern];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      if (i + 1 >= chars.length) return null;
      out += hex(chars[++i]!);
    } else if (c === '[') {
      let j = i + 1;
      let negated = false;
      if (chars[j] === '^') {
        negated = true;
        j++;
      }
      let body = '';
      let ranges = 0;
      for (;;) {
        if (j >= chars.length) return null;
        if (chars[j] === ']' && ranges > 0) break;
        let lo = chars[j]!;
        if (lo === '-' || lo === ']') return null;
        if (lo === '\\') {
          if (++j >= chars.length) return null;
          lo = chars[j]!;
        }
        j++;
        let hi = lo;
        if (chars[j] === '-') {
          j++;
          if (j >= chars.length) return null;
          hi = chars[j]!;
          if (hi === ']' || hi === '-') return null;
          if (hi === '\\') {
            if (++j >= chars.length) return null;
            hi = chars[j]!;
          }
          j++;
          if (hi.codePointAt(0)! < lo.codePointAt(0)!) return null;
        }
        body += lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`;
        ranges++;
      }
      out += `[${negated ? '^/' : ''}${body}]`;
      i = j;
    } else out += hex(c);
  }
  return `^${out}$`;
}

/** go-git v5 `simpleNameMatch`: the pattern against any component. */
function simpleNameMatch(p: IgnorePattern, path: readonly string[], isDir: boolean): boolean {
  for (let i = 0; i < path.length; i++) {
    if (!segmentMatch(p.segments[0]!, path[i]!)) continue;
    if (p.dirOnly && !isDir && i === path.length - 1) return false;
    return true;
  }
  return false;
}

/** go-git v5 `globMatch`: anchored, `**` crosses folders, a match of a prefix covers what is below it. */
function globMatch(p: IgnorePattern, full: readonly string[], isDir: boolean): boolean {
  let path = full;
  let matched = false;
  let canTraverse = false;
  for (let i = 0; i < p.segments.length; i++) {
    const segment = p.segments[i]!;
    if (segment === '') {
      canTraverse = false;
      continue;
    }
    if (segment === '**') {
      if (i === p.segments.length - 1) break;
      canTraverse = true;
      continue;
    }
    if (segment.includes('**')) return false;
    if (path.length === 0) return false;
    if (canTraverse) {
      canTraverse = false;
      while (path.length > 0) {
        const e = path[0]!;
        path = path.slice(1);
        if (segmentMatch(segment, e)) {
          matched = true;
          break;
        } else if (path.length === 0) matched = false;
      }
    } else {
      if (!segmentMatch(segment, path[0]!)) return false;
      matched = true;
      path = path.slice(1);
    }
  }
  if (matched && p.dirOnly && !isDir && path.length === 0) matched = false;
  return matched;
}

/** go-git v5 `pattern.Match`: 'exclude', 'include' or undefined (no match). */
function matchPattern(p: IgnorePattern, path: readonly string[], isDir: boolean): 'exclude' | 'include' | undefined {
  if (path.length <= p.domain.length) return undefined;
  for (let i = 0; i < p.domain.length; i++) if (path[i] !== p.domain[i]) return undefined;
  const rest = path.slice(p.domain.length);
  if (!(p.isGlob ? globMatch(p, rest, isDir) : simpleNameMatch(p, rest, isDir))) return undefined;
  return p.inclusion ? 'include' : 'exclude';
}

/** What a GitRepository's artifact leaves out. */
export interface SourceIgnoreInput {
  /** The GitRepository's `spec.ignore`, when set. */
  specIgnore?: string;
  /** Every committed `.sourceignore`, by folder (`''` = the repository root). */
  sourceIgnores?: readonly { dir: string; text: string }[];
}

/**
 * A test for repository-relative file paths: true when source-controller leaves the file out of the
 * artifact. Order as source-controller builds it: `.sourceignore` files (root first, then folders
 * depth-first by name), then `spec.ignore`; with no pattern at all the default exclusions apply,
 * otherwise only the VCS ones (fluxcd/source-controller `SourceIgnoreFilter`).
 */
export function fluxSourceIgnore(input: SourceIgnoreInput): (path: string, isDir?: boolean) => boolean {
  const nested = [...(input.sourceIgnores ?? [])]
    .map((s) => ({ ...s, parts: s.dir === '' ? [] : s.dir.split('/') }))
    .sort((a, b) => compareDepthFirst(a.parts, b.parts));
  const own = [
    ...nested.flatMap((s) => parseSourceIgnore(s.text, s.parts)),
    ...(input.specIgnore !== undefined ? parseSourceIgnore(input.specIgnore, []) : []),
  ];
  const base = (own.length === 0 ? [...EXCLUDE_VCS, ...EXCLUDE_DEFAULT] : EXCLUDE_VCS).map((line) => parsePattern(line, []));
  const patterns = [...base, ...own];
  return (path, isDir = false) => {
    const parts = path.split('/');
    for (let i = patterns.length - 1; i >= 0; i--) {
      const result = matchPattern(patterns[i]!, parts, isDir);
      if (result !== undefined) return result === 'exclude';
    }
    return false;
  };
}

/** Pre-order of a directory walk: a folder before what is inside it, siblings by name. */
function compareDepthFirst(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}
