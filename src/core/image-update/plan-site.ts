/**
 * Decides what a release does to one unmarked image site: bump only when the policy accepts the
 * release tag and ranks it above the current tag (never downgrade); otherwise say why not.
 */
import type { ObjectRef, Warning } from '../proposal/change.ts';
import type { ImageChange, ImageChangeReason } from './image-change.ts';
import type { Release } from './release.ts';
import { whyNotNewer, type TagPolicy } from '../policies/tag-policy.ts';
import type { ScalarEdit } from '../yaml/scalar-edit.ts';
import { scalarText } from '../yaml/yaml-file.ts';
import type { ScalarAt } from '../yaml/yaml-file.ts';
import { hasVariables, nameDenotes, parseImageTemplate } from './image-template.ts';
import type { VariableUse } from './model.ts';
import { offsetOf } from './site.ts';
import type { ImageSite } from './site.ts';

/** The file-level state a site plan reads and appends to. */
export interface PlanState {
  file: string;
  lineOf(offset: number): number;
  object: ObjectRef | null;
  release: Release;
  /** The repository's policy (or the default) for sites without their own. */
  policy: TagPolicy;
  edits: ScalarEdit[];
  changes: ImageChange[];
  warnings: Warning[];
  variables: VariableUse[];
}

/** What to do with the tag and digest of one site. */
interface Decision {
  tag?: string;
  /** New digest; '' clears a stale one. */
  digest?: string;
  why: string;
}

/** Plans one site into the state. */
export function planSite(site: ImageSite, state: PlanState): void {
  if (site.ref) planRefSite(site, site.ref, state);
  else planSplitSite(site, state);
}

function planRefSite(site: ImageSite, at: ScalarAt, state: PlanState): void {
  const value = String(at.node.value);
  const template = parseImageTemplate(value);
  const whole = template.variables.length === 1 && template.variables[0]!.start === 0 && template.variables[0]!.end === value.length;
  if (whole) {
    recordVariable(state, at, template.variables[0]!.variable, '', 'image', value);
    return;
  }
  const opaque = isOpaqueName(template.name);
  if (!opaque && !nameDenotes(template.name, state.release.repository)) return;
  const partVariables = template.variables.filter((v) => v.role !== 'name');
  if (partVariables.length > 0) {
    const repository = opaque ? '' : state.release.repository;
    for (const v of partVariables) recordVariable(state, at, v.variable, repository, v.role as 'tag' | 'digest', value);
    return;
  }
  if (opaque) return;
  if (!template.tag && !template.digest) return; // implicit `latest`: nothing pinned, nothing to bump
  const decision = decide(site, at, template.tag?.text, template.digest ? 'pinned' : 'none', state);
  if (!decision) return;
  const tag = decision.tag ?? template.tag?.text;
  const digest = decision.digest ?? template.digest?.text;
  const next = `${template.name}${tag !== undefined ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
  addEdit(state, site, at, value, next, decision.why);
}

/** A name made only of variables (`${IMAGE}`, `${REG}/${NAME}`) could be any repository. */
function isOpaqueName(name: string): boolean {
  return hasVariables(name) && !/[A-Za-z0-9]/.test(name.replace(/\$\{[^}]*\}/g, ''));
}

function planSplitSite(site: ImageSite, state: PlanState): void {
  const name = site.name ?? '';
  if (!nameDenotes(name, state.release.repository)) return;
  const tagText = scalarText(site.tag?.node);
  const digestText = scalarText(site.digest?.node);
  let templated = false;
  for (const [at, text, role] of [
    [site.tag, tagText, 'tag'],
    [site.digest, digestText, 'digest'],
  ] as const) {
    if (!at || text === undefined || !hasVariables(text)) continue;
    templated = true;
    for (const v of parseImageTemplate(`x:${text}`).variables) recordVariable(state, at, v.variable, state.release.repository, role, text);
  }
  if (templated) return;
  const anchor = site.tag ?? site.digest;
  if (!anchor) {
    warn(state, 'no-tag-field', undefined, `images entry for ${name} sets no newTag or digest, so the tag comes from the base manifests; add a newTag to let Courier bump it here`);
    return;
  }
  const pinned = site.tag && tagText !== undefined ? splitPinnedTag(tagText) : undefined;
  if (pinned && site.tag) {
    // `tag: 1.2.3@sha256:…` (charts that join tag and digest): one scalar holds both, so it changes as one.
    const decision = decide(site, site.tag, pinned.tag, 'pinned', state);
    if (!decision) return;
    const digest = decision.digest ?? pinned.digest;
    addEdit(state, site, site.tag, tagText!, `${decision.tag ?? pinned.tag}${digest ? `@${digest}` : ''}`, decision.why);
    return;
  }
  const slot: DigestSlot = !site.digest ? 'none' : digestText ? 'pinned' : 'empty';
  const decision = decide(site, anchor, site.tag ? (tagText ?? '') : undefined, slot, state);
  if (!decision) return;
  if (decision.tag !== undefined && site.tag && decision.tag !== tagText) addEdit(state, site, site.tag, tagText ?? '', decision.tag, decision.why);
  if (decision.digest !== undefined && site.digest && decision.digest !== (digestText ?? '')) {
    addEdit(state, site, site.digest, digestText ?? '', decision.digest, decision.why);
  }
}

/** `1.2.3@sha256:…` in a tag field: the version and the digest pinned next to it. */
function splitPinnedTag(text: string): { tag: string; digest: string } | undefined {
  const m = /^([^@]+)@([a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,})$/.exec(text);
  return m ? { tag: m[1]!, digest: m[2]! } : undefined;
}

/** Whether the site has a digest field: absent, present but empty (filled when the release has a digest), or pinning one. */
type DigestSlot = 'none' | 'empty' | 'pinned';

/** The never-downgrade rule; undefined (with a warning when it is a refusal) when nothing changes. */
function decide(site: ImageSite, at: ScalarAt, current: string | undefined, slot: DigestSlot, state: PlanState): Decision | undefined {
  const { release } = state;
  const policy = site.policy?.policy ?? state.policy;
  const label = site.policy ? `${policy.describe()} (from ${site.policy.source})` : policy.describe();
  if (current === release.tag) {
    if (slot !== 'none' && release.digest) return { digest: release.digest, why: `same tag ${release.tag}, digest of the release` };
    return undefined;
  }
  if (site.locked) {
    warn(state, 'locked', at, `${site.locked}; not changing it to ${release.tag}`);
    return undefined;
  }
  if (!policy.accepts(release.tag)) {
    warn(state, 'policy-refused', at, `policy ${label} refused tag ${release.tag}`);
    return undefined;
  }
  if (current === undefined) {
    if (!release.digest) {
      warn(state, 'digest-unknown', at, `the reference is pinned by digest only and the release ${release.tag} carries no digest; left alone`);
      return undefined;
    }
    return { digest: release.digest, why: `policy ${label} accepts ${release.tag}; digest-pinned reference gets the release digest` };
  }
  if (!policy.accepts(current)) {
    warn(state, 'current-tag-outside-policy', at, `current tag ${current} is outside policy ${label}, so Courier cannot tell whether ${release.tag} is newer; left alone`);
    return undefined;
  }
  if (policy.compare(release.tag, current) <= 0) {
    warn(state, 'not-newer', at, site.policy ? `${whyNotNewer(policy, release.tag, current)} (policy from ${site.policy.source})` : whyNotNewer(policy, release.tag, current));
    return undefined;
  }
  const why = `policy ${label} accepts ${release.tag} and ranks it above ${current}`;
  if (slot === 'none') return { tag: release.tag, why };
  if (release.digest) return { tag: release.tag, digest: release.digest, why };
  if (slot === 'empty') return { tag: release.tag, why };
  warn(state, 'stale-digest-removed', at, `the digest pinned next to ${current} belongs to the old tag and the release ${release.tag} carries none; it was removed so the tag takes effect`);
  return { tag: release.tag, digest: '', why: `${why}; stale digest removed` };
}

function addEdit(state: PlanState, site: ImageSite, at: ScalarAt, old: string, next: string, why: string): void {
  if (old !== next) recordEdit(state, at, { old, new: next, reason: site.reason, why });
}

/** Plans one scalar edit and its change record (about the release's repository). */
export function recordEdit(state: PlanState, at: ScalarAt, edit: { old: string; new: string; reason: ImageChangeReason; why: string; setter?: string }): void {
  state.edits.push({ node: at.node, value: edit.new, inFlow: at.inFlow });
  state.changes.push({
    file: state.file,
    line: state.lineOf(offsetOf(at)),
    object: state.object,
    field: at.field,
    old: edit.old,
    new: edit.new,
    reason: edit.reason,
    image: state.release.repository,
    ...(edit.setter === undefined ? {} : { setter: edit.setter }),
    why: edit.why,
  });
}

function recordVariable(state: PlanState, at: ScalarAt, variable: string, repository: string, role: VariableUse['role'], template: string): void {
  state.variables.push({
    file: state.file,
    line: state.lineOf(offsetOf(at)),
    variable,
    repository,
    role,
    field: at.field,
    object: state.object,
    template,
  });
}

/** Appends a warning located at a scalar (or at the file when none). */
export function warn(state: PlanState, code: string, at: ScalarAt | undefined, message: string): void {
  const line = at ? state.lineOf(offsetOf(at)) : undefined;
  state.warnings.push({
    code,
    message: `${state.file}${line !== undefined ? `:${line}` : ''}${at ? ` ${at.field}` : ''}: ${message}`,
    file: state.file,
    ...(line !== undefined ? { line } : {}),
    ...(at ? { field: at.field } : {}),
  });
}
