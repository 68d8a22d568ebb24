/**
 * The `sops` metadata block (getsops/sops `stores/stores.go`, FORMAT.md §6), read from the plain object
 * a store produced. Readers accept any key order, missing keys, `[]` and `null`.
 */
import type { AgeEntry } from './age-keys.ts';
import { CRYPT_RULE_KEYS, DEFAULT_CRYPT_RULE, type CryptRule } from './crypt-rule.ts';
import { SopsError } from './sops-error.ts';

/** Master-key kinds other than age; Courier keeps them byte for byte but cannot use them. */
export const OTHER_MASTER_KEYS = ['pgp', 'kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'hckms'] as const;

export interface SopsMetadata {
  /** age entries of the only key group (top-level lists, or `key_groups[0]`). */
  age: AgeEntry[];
  /** Non-age master-key kinds present (`pgp`, `kms`…): Courier reports these files instead of re-keying them. */
  otherMasterKeys: string[];
  /** 1 for the usual single group; more means Shamir secret sharing, which Courier does not re-key. */
  keyGroups: number;
  /** `key_groups` (not the top-level lists) holds the keys. */
  inKeyGroups: boolean;
  /** As stored. */
  lastmodified: string;
  /** Normalised for the MAC's AAD: Go `Time.Format(RFC3339)` of the parsed time. */
  lastmodifiedAad: string;
  mac: string;
  version?: string;
  rule: CryptRule;
  /** The file names its rule (a missing rule means the default `_unencrypted` suffix). */
  explicitRule: boolean;
  macOnlyEncrypted: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown) => Array.isArray(v) ? v.length > 0 : isObj(v) ? Object.keys(v).length > 0 : v !== null && v !== undefined && v !== '';

/** Go `Time.Parse(RFC3339)` then `Format(RFC3339)`: drop fractional seconds, a zero offset becomes `Z`. */
export function normaliseLastModified(text: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const zone = m[3]!.toUpperCase();
  return `${m[1]}T${m[2]}${zone === '+00:00' || zone === '-00:00' ? 'Z' : zone}`;
}

function ageEntries(list: unknown, file: string, line?: number): AgeEntry[] {
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) throw new SopsError('malformed', file, 'sops.age must be a list of {recipient, enc}', line);
  return list.map((e, i) => {
    if (!isObj(e) || typeof e.recipient !== 'string' || typeof e.enc !== 'string') {
      throw new SopsError('malformed', file, `sops.age[${i}] must have string fields recipient and enc`, line);
    }
    return { recipient: e.recipient, enc: e.enc };
  });
}

/** Reads the metadata; throws SopsError `malformed` (naming the field) for what sops would refuse. */
export function parseSopsMetadata(raw: unknown, file: string, line?: number): SopsMetadata {
  if (!isObj(raw)) throw new SopsError('malformed', file, 'the sops metadata block is not a map', line);
  const topLevel = ['age', ...OTHER_MASTER_KEYS].some((k) => nonEmpty(raw[k]));
  let group: Obj = raw;
  let keyGroups = 1;
  let inKeyGroups = false;
  if (!topLevel && Array.isArray(raw.key_groups) && raw.key_groups.length > 0) {
    keyGroups = raw.key_groups.length;
    inKeyGroups = true;
    group = isObj(raw.key_groups[0]) ? raw.key_groups[0] : {};
  }
  const age = ageEntries(group.age, file, line);
  const otherMasterKeys = OTHER_MASTER_KEYS.filter((k) => nonEmpty(group[k]));
  if (typeof raw.lastmodified !== 'string') throw new SopsError('malformed', file, 'sops.lastmodified is missing', line);
  const lastmodifiedAad = normaliseLastModified(raw.lastmodified);
  if (!lastmodifiedAad) throw new SopsError('malformed', file, `sops.lastmodified "${raw.lastmodified}" is not an RFC 3339 time`, line);
  if (typeof raw.mac !== 'string') throw new SopsError('malformed', file, 'sops.mac is missing', line);
  const rules = CRYPT_RULE_KEYS.filter((k) => typeof raw[k] === 'string' && raw[k] !== '');
  if (rules.length > 1) throw new SopsError('malformed', file, `sops metadata sets more than one encryption rule (${rules.join(', ')}); sops refuses such files`, line);
  const rule = rules.length === 1 ? { kind: rules[0]!, value: raw[rules[0]!] as string } : DEFAULT_CRYPT_RULE;
  const mo = raw.mac_only_encrypted;
  const meta: SopsMetadata = {
    age,
    otherMasterKeys,
    keyGroups,
    inKeyGroups,
    lastmodified: raw.lastmodified,
    lastmodifiedAad,
    mac: raw.mac,
    rule,
    explicitRule: rules.length === 1,
    macOnlyEncrypted: mo === true || mo === 'true',
  };
  if (typeof raw.version === 'string') meta.version = raw.version;
  return meta;
}
