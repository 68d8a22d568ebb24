/**
 * The secrets check (`courier/secrets`, `courier secrets-lint`): files a creation rule says must be
 * encrypted but hold plaintext, encrypted files missing a recipient their rule requires, MACs that do
 * not verify, decrypted copies about to be committed, and overlapping creation rules that leave values
 * in plaintext (getsops/sops#2238). Findings name file and line, never a value.
 */
import type { AgeIdentity } from './age-keys.ts';
import { DEFAULT_CRYPT_RULE, shouldBeEncrypted, type CryptRule } from './crypt-rule.ts';
import { configForFile, matchingCreationRules, parseSopsConfig, type CreationRule, type SopsConfig } from './creation-rules.ts';
import { openSopsFile } from './open-sops-file.ts';
import { looksEncrypted, parseSopsFile, type ParsedSopsFile, type SopsInputFile } from './parse-sops-file.ts';
import { SopsError } from './sops-error.ts';
import { walkTree, type TreeLeaf } from './sops-tree.ts';
import { formatForPath } from './stores/sops-store.ts';

export type SecretsFindingKind =
  | 'plaintext-secret'
  | 'missing-recipient'
  | 'mac-invalid'
  | 'decrypted-file'
  | 'overlapping-rules'
  | 'malformed'
  | 'not-verified'
  | 'unsupported-keys'
  | 'sops-config';

export interface SecretsFinding {
  kind: SecretsFindingKind;
  /** `error` fails the check; `notice` is information (e.g. a MAC Courier holds no key for). */
  severity: 'error' | 'notice';
  file: string;
  line?: number;
  message: string;
}

export interface LintSecretsInput {
  /** The repository's files (text). `.sops.yaml` files among them give the creation rules. */
  files: readonly SopsInputFile[];
  /** Courier's identities, to verify MACs; without them MACs are reported as not verified. */
  identities?: readonly AgeIdentity[];
  /** Check only these paths (e.g. a pull request's changed files); every file by default. */
  paths?: readonly string[];
}

const CONFIG_NAME = /(^|\/)\.sops\.ya?ml$/;
/** Names that mean "decrypted copy": `*.clear.yaml`, `*.dec.yaml`, `*.decrypted.*`, sops edit's `.decrypted~` temp files. */
const DECRYPTED_NAME = /(?:\.(?:clear|dec|decrypted|plain|plaintext)\.[^/]+$|(^|\/)\.decrypted~[^/]*$)/i;
const STRUCTURED = new Set(['yaml', 'json', 'dotenv']);

const ruleName = (cfg: SopsConfig, r: CreationRule) => `${cfg.path}:${r.line} (creation_rules[${r.index}])`;
const pathText = (p: readonly string[]) => (p.length > 0 ? p.join('.') : '(top level)');

/** The first leaf `rule` would encrypt that is stored in plaintext (non-empty), with its path. */
function firstPlaintext(p: ParsedSopsFile, rule: CryptRule, skip?: CryptRule): { leaf: TreeLeaf; path: readonly string[] } | undefined {
  let found: { leaf: TreeLeaf; path: readonly string[] } | undefined;
  walkTree(p.store.branches, (item, path, stack) => {
    if (found || item.kind !== 'leaf' || item.value === null || item.encrypted !== undefined) return;
    if (item.value.type === 'str' && item.value.value === '') return;
    if (!shouldBeEncrypted(rule, path, stack)) return;
    if (skip && shouldBeEncrypted(skip, path, stack)) return;
    found = { leaf: item, path };
  });
  return found;
}

export async function lintSecrets(input: LintSecretsInput): Promise<SecretsFinding[]> {
  const findings: SecretsFinding[] = [];
  const configs: SopsConfig[] = [];
  for (const f of input.files.filter((f) => CONFIG_NAME.test(f.path))) {
    const { config, problems } = parseSopsConfig(f);
    configs.push(config);
    for (const p of problems) findings.push({ kind: 'sops-config', severity: 'error', file: p.file, ...(p.line ? { line: p.line } : {}), message: p.message });
  }
  const wanted = input.paths ? new Set(input.paths) : undefined;
  for (const file of input.files) {
    if (wanted && !wanted.has(file.path)) continue;
    if (CONFIG_NAME.test(file.path)) continue;
    if (DECRYPTED_NAME.test(file.path)) {
      findings.push({ kind: 'decrypted-file', severity: 'error', file: file.path, message: 'looks like a decrypted copy of a SOPS file; do not commit it (remove it and add the pattern to .gitignore)' });
      continue;
    }
    const cfg = configForFile(configs, file.path);
    const rules = cfg ? matchingCreationRules(cfg, file.path) : [];
    const encrypted = looksEncrypted(file.text);
    if (!encrypted && rules.length === 0) continue;
    const format = formatForPath(file.path);
    if (!encrypted && !STRUCTURED.has(format) && rules[0]?.pathRegex === undefined) continue;
    let parsed: ParsedSopsFile;
    try {
      parsed = parseSopsFile(file);
    } catch (e) {
      if (!(e instanceof SopsError)) throw e;
      if (encrypted) findings.push({ kind: 'malformed', severity: 'error', file: file.path, ...(e.line ? { line: e.line } : {}), message: e.reason });
      continue;
    }
    const rule = rules[0];
    if (!parsed.metadata) {
      if (!rule) continue;
      const plain = firstPlaintext(parsed, rule.cryptRule ?? DEFAULT_CRYPT_RULE);
      if (plain) {
        findings.push({
          kind: 'plaintext-secret',
          severity: 'error',
          file: file.path,
          ...(plain.leaf.line ? { line: plain.leaf.line } : {}),
          message: `${ruleName(cfg!, rule)} says this file must be encrypted, but it holds plaintext values (first: ${pathText(plain.path)}); encrypt it with sops before committing`,
        });
      }
      continue;
    }
    const meta = parsed.metadata;
    const line = parsed.store.metadataLine;
    const at = line ? { line } : {};
    const plain = firstPlaintext(parsed, meta.rule);
    if (plain) {
      findings.push({ kind: 'plaintext-secret', severity: 'error', file: file.path, ...(plain.leaf.line ? { line: plain.leaf.line } : {}), message: `${pathText(plain.path)} is stored in plaintext where this file's rule (${meta.rule.kind}) encrypts; sops and Flux refuse it. Encrypt the file again with sops` });
    }
    if (rule) {
      const have = new Set(meta.age.map((a) => a.recipient.trim()));
      const missing = rule.age.filter((r) => !have.has(r));
      if (missing.length > 0) {
        findings.push({ kind: 'missing-recipient', severity: 'error', file: file.path, ...at, message: `is not encrypted for ${missing.join(', ')}, which ${ruleName(cfg!, rule)} requires: a cluster holding only that key cannot decrypt it. Run sops updatekeys on it` });
      }
      for (const later of rules.slice(1)) {
        const left = firstPlaintext(parsed, later.cryptRule ?? DEFAULT_CRYPT_RULE, meta.rule);
        if (left) {
          findings.push({ kind: 'overlapping-rules', severity: 'error', file: file.path, ...(left.leaf.line ? { line: left.leaf.line } : {}), message: `matches ${ruleName(cfg!, rule)} and also ${ruleName(cfg!, later)}; sops used the first, which leaves ${pathText(left.path)} in plaintext although the later rule encrypts it (getsops/sops#2238). Make the path_regex of the rules disjoint` });
        }
      }
    }
    if (meta.otherMasterKeys.length > 0 || meta.keyGroups > 1) {
      const what = meta.keyGroups > 1 ? `${meta.keyGroups} key groups (Shamir)` : meta.otherMasterKeys.join(', ');
      findings.push({ kind: 'unsupported-keys', severity: 'notice', file: file.path, ...at, message: `also uses ${what}; Courier keeps those keys as they are but cannot re-key them` });
    }
    if (!plain && meta.keyGroups === 1) {
      try {
        await openSopsFile(file, input.identities ?? []);
      } catch (e) {
        if (!(e instanceof SopsError)) throw e;
        if (e.code === 'no-key') findings.push({ kind: 'not-verified', severity: 'notice', file: file.path, ...at, message: 'MAC not verified: Courier holds no key for this file' });
        else findings.push({ kind: e.code === 'malformed' ? 'malformed' : 'mac-invalid', severity: 'error', file: file.path, ...(e.line ? { line: e.line } : {}), message: e.reason });
      }
    }
  }
  return findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
}
