/**
 * Identifiers that parse back: branch names and the hidden metadata block of PR bodies each have
 * `format` and `parse` side by side, because GitHub is Courier's database.
 */
import { createHash } from 'node:crypto';
import type { ProposalKind, ProposalMetadata } from './proposal.ts';

const KINDS: readonly ProposalKind[] = ['image', 'promotion', 'rollout', 'rotation'];
/**
 * The branch segment of each job, as users type it in commands and see it in the PR list
 * (`courier/promote/prod/…`, `courier/rotate-keys/…`). Rollout branches carry the app in the scope slot
 * (`courier/rollout/<app>/<step>`).
 */
const SEGMENT: Readonly<Record<ProposalKind, string>> = { image: 'image', promotion: 'promote', rollout: 'rollout', rotation: 'rotate-keys' };
const KIND_OF_SEGMENT = new Map(Object.entries(SEGMENT).map(([kind, segment]) => [segment, kind as ProposalKind]));
const PREFIX = 'courier';
/** GitHub accepts longer refs, but long branch names break UIs and some file systems' path limits. */
export const MAX_BRANCH_LENGTH = 200;
const HASH_LENGTH = 8;
const MAX_ENVIRONMENT_LENGTH = 63;

/** What a Courier branch name encodes. */
export interface BranchName {
  kind: ProposalKind;
  environment: string;
  subject: string;
}

/**
 * Turns any text into a ref-safe slug: lowercase `[a-z0-9._-]`, `/` and other characters become
 * `-`, no `..`, no leading `.`/`-`, no trailing `.`/`-`, never ending in `.lock`
 * (git-check-ref-format rules). `ghcr.io/acme/app` → `ghcr.io-acme-app`.
 */
export function slugify(text: string): string {
  let slug = text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '');
  if (slug.endsWith('.lock')) slug = `${slug.slice(0, -'.lock'.length)}-lock`;
  return slug.length > 0 ? slug : 'x';
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);
}

/** Cuts a slug to `max` characters, ending it in a short hash of the original text so distinct inputs stay distinct. */
function fit(slug: string, max: number, original: string): string {
  if (slug.length <= max) return slug;
  const cut = slug.slice(0, Math.max(0, max - HASH_LENGTH - 1)).replace(/[.-]+$/, '');
  return cut.length > 0 ? `${cut}-${shortHash(original)}` : shortHash(original);
}

/** `courier/<kind segment>/<env>/<subject-slug>`, at most 200 characters (long parts end in a short hash of the full text). */
export function formatBranch(name: BranchName): string {
  const head = `${PREFIX}/${SEGMENT[name.kind]}/${fit(slugify(name.environment), MAX_ENVIRONMENT_LENGTH, name.environment)}/`;
  return head + fit(slugify(name.subject), MAX_BRANCH_LENGTH - head.length, name.subject);
}

/** Reads a branch name written by formatBranch; undefined for any other branch. The subject is the slug. */
export function parseBranch(branch: string): BranchName | undefined {
  const parts = branch.split('/');
  if (parts.length !== 4 || parts[0] !== PREFIX) return undefined;
  const [, segment, environment, subject] = parts as [string, string, string, string];
  const kind = KIND_OF_SEGMENT.get(segment);
  if (kind === undefined) return undefined;
  if (slugify(environment) !== environment || slugify(subject) !== subject) return undefined;
  return { kind, environment, subject };
}

const OPEN = '<!-- courier-metadata';
const CLOSE = '-->';

/** The hidden HTML comment block Courier appends to PR bodies (JSON inside; `<`/`>` escaped so the comment cannot end early). */
export function formatMetadata(meta: ProposalMetadata): string {
  const json = JSON.stringify(meta, null, 0).replace(/</g, '\\u003c').replace(/>/g, '\\u003e');
  return `${OPEN}\n${json}\n${CLOSE}`;
}

/**
 * Finds and validates the last metadata block in a PR body. Tolerates CRLF, surrounding edits and
 * whitespace; returns undefined (never throws) when the block is missing, truncated or malformed.
 */
export function parseMetadata(body: string): ProposalMetadata | undefined {
  if (typeof body !== 'string') return undefined;
  const start = body.lastIndexOf(OPEN);
  if (start < 0) return undefined;
  const end = body.indexOf(CLOSE, start + OPEN.length);
  if (end < 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body.slice(start + OPEN.length, end).trim());
  } catch {
    return undefined;
  }
  return isMetadata(value) ? value : undefined;
}

function isMetadata(value: unknown): value is ProposalMetadata {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  if (v.version !== 1 || !KINDS.includes(v.kind as ProposalKind)) return false;
  if (typeof v.environment !== 'string' || typeof v.subject !== 'string') return false;
  if (v.dependsOn !== undefined && typeof v.dependsOn !== 'string') return false;
  // Only the generic fields are checked here; job data (`images`, …) is read and validated by its job
  // (e.g. imagesOf in core/image-update), so one job's data never hides another block's kind.
  return true;
}
