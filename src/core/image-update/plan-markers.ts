/**
 * Release-driven setter markers: a marker whose policy is about the release's repository gets the
 * value Flux would write (NOTES §1.2) when the policy accepts the release tag and does not rank it
 * below the current one. Unknown policies are reported (Flux ignores them silently).
 */
import { sameRepository, tryParseImageRef } from './image-ref.ts';
import { scalarText } from '../yaml/yaml-file.ts';
import type { MarkedScalar } from './markers.ts';
import type { FileUpdateContext, MarkerPolicy } from './model.ts';
import { whyNotNewer } from '../policies/tag-policy.ts';
import { recordEdit, warn } from './plan-site.ts';
import { offsetOf } from './site.ts';
import type { PlanState } from './plan-site.ts';

/** Plans the markers of one document; returns the start offsets of every marked scalar (claimed: no other rewriter touches them). */
export function planMarkers(marked: readonly MarkedScalar[], ctx: FileUpdateContext, state: PlanState, refused: Set<string>): Set<number> {
  const claimed = new Set<number>();
  const { release } = state;
  for (const at of marked) {
    claimed.add(offsetOf(at));
    const { marker } = at;
    const id = `${marker.namespace}:${marker.name}`;
    const resolved = ctx.policies.marker(marker.namespace, marker.name);
    if (!resolved) {
      warn(state, 'unknown-policy', at, `marker names policy ${id}, which is neither an ImagePolicy in this repository nor a Courier policy; the value is left alone`);
      continue;
    }
    if (!sameRepository(resolved.imageName, release.repository)) continue;
    if (!resolved.policy.accepts(release.tag)) {
      if (!refused.has(id)) warn(state, 'policy-refused', at, `policy ${id} (${resolved.policy.describe()}) refused tag ${release.tag}; its markers are left alone`);
      refused.add(id);
      continue;
    }
    const current = currentTag(at, marked);
    if (current !== undefined && current !== release.tag && resolved.policy.accepts(current) && resolved.policy.compare(release.tag, current) < 0) {
      warn(state, 'not-newer', at, `marker policy ${id}: ${whyNotNewer(resolved.policy, release.tag, current)}`);
      continue;
    }
    const old = scalarText(at.node) ?? '';
    const next = markerValue(at, resolved, state);
    if (next === old && at.node.value !== null) continue;
    recordEdit(state, at, { old, new: next, reason: 'setter', setter: marker.setter, why: `policy ${id} (${resolved.policy.describe()}) accepts ${release.tag}` });
  }
  return claimed;
}

/** The value Flux writes for each marker form, from the release. */
function markerValue(at: MarkedScalar, resolved: MarkerPolicy, state: PlanState): string {
  const { release } = state;
  switch (at.marker.part) {
    case 'full': {
      // Flux appends the digest only for policies that reflect digests; a value already pinned by
      // digest keeps its form, so the tag and digest never disagree.
      const pinned = (scalarText(at.node) ?? '').includes('@');
      const digest = release.digest && (resolved.reflectDigest || pinned) ? `@${release.digest}` : '';
      return `${resolved.imageName}:${release.tag}${digest}`;
    }
    case 'tag':
      return release.tag;
    case 'name':
      return resolved.imageName;
    case 'digest':
      if (!release.digest && scalarText(at.node)) {
        warn(state, 'stale-digest-removed', at, `release ${release.tag} carries no digest; the digest is cleared as Flux would, so the tag takes effect`);
      }
      return release.digest ?? '';
  }
}

/** The tag a marked scalar currently pins: its own, or a sibling's `:tag`/full marker of the same policy in the same mapping. */
function currentTag(at: MarkedScalar, all: readonly MarkedScalar[]): string | undefined {
  const own = tagOf(at);
  if (own !== undefined || at.marker.part === 'full' || at.marker.part === 'tag') return own;
  const parent = parentField(at.field);
  for (const other of all) {
    if (other === at || parentField(other.field) !== parent) continue;
    if (other.marker.namespace !== at.marker.namespace || other.marker.name !== at.marker.name) continue;
    const tag = tagOf(other);
    if (tag !== undefined) return tag;
  }
  return undefined;
}

function tagOf(at: MarkedScalar): string | undefined {
  const text = scalarText(at.node);
  if (text === undefined) return undefined;
  if (at.marker.part === 'tag') return text;
  if (at.marker.part === 'full') return tryParseImageRef(text)?.tag;
  return undefined;
}

function parentField(field: string): string {
  const dot = field.lastIndexOf('.');
  return dot < 0 ? '' : field.slice(0, dot);
}
