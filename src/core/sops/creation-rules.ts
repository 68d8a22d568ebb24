/**
 * `.sops.yaml` creation rules (getsops/sops `config/config.go`, FORMAT.md §10): first match wins,
 * `path_regex` is an unanchored RE2 search on the path relative to the config's folder, `age` is a
 * comma string or a list, `key_groups` replaces the flat lists. Unknown keys are ignored, as in sops.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { CRYPT_RULE_KEYS, goRegex, type CryptRule } from './crypt-rule.ts';

export interface CreationRule {
  index: number;
  line: number;
  pathRegex?: string;
  /** age recipients of the rule (group 0 with `key_groups`). */
  age: string[];
  /** Non-age key kinds the rule lists (pgp, kms…). */
  otherKeys: string[];
  keyGroups: number;
  cryptRule?: CryptRule;
  macOnlyEncrypted: boolean;
  /** The YAML node holding the age recipients (for editing `.sops.yaml`). */
  ageNode?: Node;
}

export interface SopsConfig {
  /** Repo-relative path of the `.sops.yaml`. */
  path: string;
  /** Its folder, repo-relative (`''` at the root). */
  dir: string;
  rules: CreationRule[];
}

export interface SopsConfigProblem {
  file: string;
  line?: number;
  message: string;
}

const OTHER_KEYS = ['pgp', 'kms', 'gcp_kms', 'azure_keyvault', 'hc_vault_transit_uri', 'hckms'];

function recipients(n: Node | null | undefined): string[] {
  if (!n) return [];
  if (isScalar(n)) return String(n.value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (isSeq(n)) return (n.items as Node[]).flatMap((i) => (isScalar(i) ? String(i.value ?? '').split(',').map((s) => s.trim()).filter(Boolean) : []));
  return [];
}

/** Parses a `.sops.yaml`; problems (invalid YAML, two crypt rules in one rule, bad regex) are returned with their line. */
export function parseSopsConfig(file: { path: string; text: string }): { config: SopsConfig; problems: SopsConfigProblem[] } {
  const lc = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter: lc, schema: 'failsafe' });
  const dir = file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/')) : '';
  const config: SopsConfig = { path: file.path, dir, rules: [] };
  const problems: SopsConfigProblem[] = [];
  const line = (n: Node | null | undefined) => (n?.range ? lc.linePos(n.range[0]).line : 1);
  if (doc.errors.length > 0) {
    problems.push({ file: file.path, line: lc.linePos(doc.errors[0]!.pos[0]).line, message: `invalid YAML (${doc.errors[0]!.code})` });
    return { config, problems };
  }
  const root = doc.contents;
  const rules = isMap(root) ? (root.get('creation_rules', true) as Node | undefined) : undefined;
  if (!rules || !isSeq(rules)) return { config, problems };
  (rules.items as Node[]).forEach((item, index) => {
    if (!isMap(item)) return void problems.push({ file: file.path, line: line(item), message: `creation_rules[${index}] is not a map` });
    const get = (m: YAMLMap, k: string) => (m.items as Array<Pair<Node, Node | null>>).find((p) => isScalar(p.key) && p.key.value === k)?.value ?? undefined;
    const str = (k: string) => {
      const v = get(item, k);
      return v && isScalar(v) ? String(v.value ?? '') : undefined;
    };
    const rule: CreationRule = { index, line: line(item), age: [], otherKeys: [], keyGroups: 1, macOnlyEncrypted: str('mac_only_encrypted') === 'true' };
    const pathRegex = str('path_regex');
    if (pathRegex !== undefined) {
      rule.pathRegex = pathRegex;
      try {
        goRegex(pathRegex);
      } catch {
        problems.push({ file: file.path, line: line(get(item, 'path_regex')), message: `creation_rules[${index}].path_regex is not a regular expression Courier can read` });
      }
    }
    const groups = get(item, 'key_groups');
    let holder: YAMLMap = item;
    if (groups && isSeq(groups) && groups.items.length > 0) {
      rule.keyGroups = groups.items.length;
      if (isMap(groups.items[0])) holder = groups.items[0] as YAMLMap;
    }
    const ageNode = get(holder, 'age');
    rule.age = recipients(ageNode);
    if (ageNode) rule.ageNode = ageNode;
    rule.otherKeys = OTHER_KEYS.filter((k) => get(holder, k) !== undefined && recipients(get(holder, k)).length + (isSeq(get(holder, k)) ? 1 : 0) > 0);
    const crypt = CRYPT_RULE_KEYS.filter((k) => str(k) !== undefined && str(k) !== '');
    if (crypt.length > 1) problems.push({ file: file.path, line: rule.line, message: `creation_rules[${index}] sets more than one of ${crypt.join(', ')}; sops refuses this` });
    if (crypt.length >= 1) rule.cryptRule = { kind: crypt[0]!, value: str(crypt[0]!)! };
    config.rules.push(rule);
  });
  return { config, problems };
}

/** The path as sops matches it: relative to the config's folder; undefined when the file is outside it. */
export function pathForConfig(config: SopsConfig, repoPath: string): string | undefined {
  if (config.dir === '') return repoPath;
  return repoPath.startsWith(`${config.dir}/`) ? repoPath.slice(config.dir.length + 1) : undefined;
}

/** Every rule matching the file, in order (the first is the one sops uses). */
export function matchingCreationRules(config: SopsConfig, repoPath: string): CreationRule[] {
  const rel = pathForConfig(config, repoPath);
  if (rel === undefined) return [];
  return config.rules.filter((r) => {
    if (r.pathRegex === undefined) return true;
    try {
      return goRegex(r.pathRegex).test(rel);
    } catch {
      return false;
    }
  });
}

/** The nearest `.sops.yaml` above a file (sops walks up from the working directory; for a repo, from the file). */
export function configForFile(configs: readonly SopsConfig[], repoPath: string): SopsConfig | undefined {
  return [...configs].filter((c) => c.dir === '' || repoPath.startsWith(`${c.dir}/`)).sort((a, b) => b.dir.length - a.dir.length)[0];
}
