/**
 * sops's flattened metadata for dotenv and INI (`stores/flatten.go`): nested keys joined with
 * `__map_<key>` and list indices with `__list_<i>`; newlines in values escaped as `\n`.
 */
import type { AgeEntry } from '../age-keys.ts';
import type { NewMetadata } from './sops-store.ts';

/** Rebuilds the nested metadata object from flat `key → value` pairs (prefix already removed). */
export function unflattenMetadata(flat: ReadonlyArray<[string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of flat) {
    const parts = key.split('__');
    let cur: Record<string, unknown> | unknown[] = root;
    let k: string | number = parts[0]!;
    for (const part of parts.slice(1)) {
      const list = /^list_(\d+)$/.exec(part);
      const next: Record<string, unknown> | unknown[] = list ? [] : {};
      const container = cur as Record<string | number, unknown>;
      container[k] ??= next;
      cur = container[k] as Record<string, unknown> | unknown[];
      k = list ? Number(list[1]) : part.replace(/^map_/, '');
    }
    (cur as Record<string | number, unknown>)[k] = value;
  }
  return root;
}

export const escapeNewlines = (s: string) => s.replace(/\n/g, '\\n');

/** The flat lines of an age list. */
export function flatAgeEntries(entries: readonly AgeEntry[]): Array<[string, string]> {
  return entries.flatMap((e, i): Array<[string, string]> => [
    [`age__list_${i}__map_enc`, escapeNewlines(e.enc)],
    [`age__list_${i}__map_recipient`, e.recipient],
  ]);
}

/** The flat metadata of a new file, sorted as recent sops writes it. */
export function flatNewMetadata(m: NewMetadata): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ...flatAgeEntries(m.age),
    ['lastmodified', m.lastmodified],
    ['mac', m.mac],
    [m.rule.kind, m.rule.value],
    ['version', m.version],
  ];
  if (m.macOnlyEncrypted) out.push(['mac_only_encrypted', 'true']);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
