/**
 * Which values a SOPS file encrypts (getsops/sops `Tree.shouldBeEncrypted`, FORMAT.md §3): at most one
 * rule, tested against every component of the key path, or against the comment stack.
 */

export const CRYPT_RULE_KEYS = [
  'unencrypted_suffix',
  'encrypted_suffix',
  'unencrypted_regex',
  'encrypted_regex',
  'unencrypted_comment_regex',
  'encrypted_comment_regex',
] as const;

export type CryptRuleKind = (typeof CRYPT_RULE_KEYS)[number];

export interface CryptRule {
  kind: CryptRuleKind;
  value: string;
}

/** No rule means `unencrypted_suffix: _unencrypted` (sops applies it on load and writes it on encrypt). */
export const DEFAULT_CRYPT_RULE: CryptRule = { kind: 'unencrypted_suffix', value: '_unencrypted' };

const cache = new Map<string, RegExp>();

/**
 * Compiles a Go RE2 pattern for an unanchored search (`regexp.Match`). The common RE2-only forms are
 * translated: a leading `(?i)` flag, `\A` and `\z`. Throws on a pattern JavaScript cannot read.
 */
export function goRegex(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    let flags = 'u';
    let body = pattern;
    const m = /^\(\?([ims]+)\)/.exec(body);
    if (m) {
      body = body.slice(m[0].length);
      flags += m[1]!.replace(/m/g, 'm');
    }
    body = body.replace(/\\A/g, '^').replace(/\\z/g, '$');
    re = new RegExp(body, flags);
    cache.set(pattern, re);
  }
  return re;
}

/**
 * Whether a value (or comment) at `path` is encrypted. `comments` is the comment stack of the walk;
 * `self` is the comment's own text when the item is a comment (it never unlocks itself).
 */
export function shouldBeEncrypted(rule: CryptRule, path: readonly string[], comments: readonly (readonly string[])[] = [], self?: string): boolean {
  switch (rule.kind) {
    case 'unencrypted_suffix':
      return !path.some((p) => p.endsWith(rule.value));
    case 'encrypted_suffix':
      return path.some((p) => p.endsWith(rule.value));
    case 'unencrypted_regex':
      return !path.some((p) => goRegex(rule.value).test(p));
    case 'encrypted_regex':
      return path.some((p) => goRegex(rule.value).test(p));
    case 'unencrypted_comment_regex':
      return !comments.some((level) => level.some((c) => goRegex(rule.value).test(c)));
    case 'encrypted_comment_regex': {
      const flat = comments.flat();
      if (self !== undefined && flat[flat.length - 1] === self) flat.pop();
      return flat.some((c) => goRegex(rule.value).test(c));
    }
  }
}
