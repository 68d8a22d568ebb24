/**
 * What promoting `from` into `to` moves: entries both environments pin at different versions, where
 * `to` is not already newer. Entries present in one environment only are reported, never invented.
 */
import { compareSemVersions, parseFluxVersion } from '../policies/flux-version.ts';
import type { Warning } from '../proposal/change.ts';
import { formatVersion, type Inventory } from './read-inventory.ts';

/** One version that moves (or, in `held`, would move backwards and does not). */
export interface VersionMove {
  kind: 'image' | 'chart';
  /** Image repository, or `<release>/<chart>` for charts. */
  key: string;
  from: { tag?: string; digest?: string; version?: string };
  to: { tag?: string; digest?: string; version?: string };
}

/** The comparison of two inventories. */
export interface InventoryDiff {
  moves: VersionMove[];
  /** Entries only one side pins: shown in status and the drift report, never promoted. */
  onlyIn: { environment: string; kind: 'image' | 'chart'; key: string; version: string }[];
  warnings: Warning[];
}

/** -1, 0, 1 when both versions are semver (Flux's reading, `v` allowed); undefined when not comparable. */
function compareVersions(a: string | undefined, b: string | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  const va = parseFluxVersion(a);
  const vb = parseFluxVersion(b);
  if (!va || !vb) return undefined;
  return Math.sign(compareSemVersions(va, vb));
}

/** Diffs `from` (environment k) against `to` (environment k+1). */
export function diffInventories(from: Inventory, to: Inventory): InventoryDiff {
  const diff: InventoryDiff = { moves: [], onlyIn: [], warnings: [] };
  const downgrade = (kind: string, key: string, have: string, offered: string, where: { file: string; line: number }): void => {
    diff.warnings.push({
      code: 'promotion-downgrade',
      file: where.file,
      line: where.line,
      message: `${kind} ${key}: ${to.environment} already runs ${have}, newer than ${from.environment}'s ${offered}; Courier never downgrades, so it stays (${where.file}:${where.line}).`,
    });
  };
  for (const [key, source] of from.images) {
    const target = to.images.get(key);
    if (!target) {
      diff.onlyIn.push({ environment: from.environment, kind: 'image', key, version: formatVersion(source.tag, source.digest) });
      continue;
    }
    if (source.tag === target.tag && (source.digest === target.digest || source.digest === undefined)) continue;
    if (source.tag === undefined && source.digest === target.digest) continue;
    if (compareVersions(source.tag, target.tag) === -1) {
      downgrade('image', key, formatVersion(target.tag, target.digest), formatVersion(source.tag, source.digest), target.sites[0]!);
      continue;
    }
    diff.moves.push({ kind: 'image', key, from: { tag: target.tag, digest: target.digest }, to: { tag: source.tag, digest: source.digest } });
  }
  for (const [key, target] of to.images) {
    if (!from.images.has(key)) diff.onlyIn.push({ environment: to.environment, kind: 'image', key, version: formatVersion(target.tag, target.digest) });
  }
  for (const [key, source] of from.charts) {
    const target = to.charts.get(key);
    if (!target) {
      diff.onlyIn.push({ environment: from.environment, kind: 'chart', key, version: source.version });
      continue;
    }
    if (source.version === target.version) continue;
    if (compareVersions(source.version, target.version) === -1) {
      downgrade('chart', key, target.version, source.version, target.sites[0]!);
      continue;
    }
    diff.moves.push({ kind: 'chart', key, from: { version: target.version }, to: { version: source.version } });
  }
  for (const [key, target] of to.charts) {
    if (!from.charts.has(key)) diff.onlyIn.push({ environment: to.environment, kind: 'chart', key, version: target.version });
  }
  return diff;
}
