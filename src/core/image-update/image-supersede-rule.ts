/**
 * The image job's supersede rule. Branch names are per image × environment, so a newer release lands
 * on the same branch and the open PR is updated in place (its body gains a "Superseded" note, old →
 * new tag) or, under `close`, closed for a fresh PR. An open image PR on ANOTHER branch that moves
 * only images this proposal also moves, in the same environment, is closed with a link to the new PR,
 * so at most one PR per image × environment stays open. A PR that also moves other images is left alone.
 */
import { parseMetadata } from '../proposal/names.ts';
import type { Proposal, ProposalMetadata } from '../proposal/proposal.ts';
import { sameJobAndEnvironment, type OpenProposal, type SupersedeDecision, type SupersedeRule, type SupersedeStrategy } from '../proposal/supersede-rule.ts';
import type { ImageMetadataEntry } from './image-change.ts';

type Images = ImageMetadataEntry[];

/** The image entries of a metadata block (job data of image proposals); [] when absent or malformed. */
export function imagesOf(meta: ProposalMetadata | undefined | null): Images {
  const images = meta?.images;
  if (!Array.isArray(images)) return [];
  return images.filter(
    (i): i is ImageMetadataEntry =>
      typeof i === 'object' &&
      i !== null &&
      typeof i.repository === 'string' &&
      typeof i.tag === 'string' &&
      ['string', 'undefined'].includes(typeof i.digest) &&
      (i.source === undefined || isSource(i.source)),
  );
}

/** A metadata `source`: an object of optional strings (a PR body is anyone's to edit). */
function isSource(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(([k, v]) => ['url', 'revision', 'releaseNotesUrl'].includes(k) && typeof v === 'string');
}

const NOTE_START = '<!-- courier:superseded -->';
const NOTE_END = '<!-- /courier:superseded -->';

/** The "Superseded" section for images whose tag changed, or '' when none did. */
function supersedeNote(previous: Images, next: Images): string {
  const lines = next.flatMap((n) => {
    const old = previous.find((p) => p.repository === n.repository);
    return old && old.tag !== n.tag ? [`- \`${n.repository}\`: superseded ${old.tag} → now ${n.tag}`] : [];
  });
  return lines.length === 0 ? '' : `${NOTE_START}\n**Superseded**\n${lines.join('\n')}\n${NOTE_END}`;
}

function existingNote(body: string): string {
  const start = body.indexOf(NOTE_START);
  const end = body.indexOf(NOTE_END);
  return start >= 0 && end > start ? body.slice(start, end + NOTE_END.length) : '';
}

/**
 * Body an updated-in-place PR converges to: the proposal's body plus the note. When the images are
 * unchanged (a re-run), the note already in the PR is kept, so re-running stays a no-op.
 */
export function bodyWithSupersedeNote<E extends { body: string }>(
  proposal: Proposal,
  existing: E | null,
  parse: (body: string) => ProposalMetadata | null | undefined = parseMetadata,
): string {
  if (!existing) return proposal.body;
  const previous = imagesOf(parse(existing.body));
  const note = supersedeNote(previous, imagesOf(proposal.metadata)) || existingNote(existing.body);
  return note ? `${proposal.body}\n\n${note}` : proposal.body;
}

/** Pure decision: which open Courier PRs this image proposal supersedes, and how. */
export function decideSupersede<T extends OpenProposal>(proposal: Proposal, open: readonly T[], strategy: SupersedeStrategy = 'update'): SupersedeDecision<T> {
  const next = imagesOf(proposal.metadata);
  const mine = new Set(next.map((i) => i.repository));
  const decision: SupersedeDecision<T> = { closeBefore: [], closeAfter: [] };
  for (const pr of open) {
    if (!sameJobAndEnvironment(proposal, pr.metadata)) continue;
    const theirs = imagesOf(pr.metadata);
    if (pr.branch === proposal.branch) {
      if (strategy === 'close' && supersedeNote(theirs, next)) decision.closeBefore.push(pr);
      continue;
    }
    if (theirs.length > 0 && theirs.every((i) => mine.has(i.repository))) decision.closeAfter.push(pr);
  }
  return decision;
}

/** The image job's rule. */
export const imageSupersedeRule: SupersedeRule = {
  bodyFor: (proposal, existing) => bodyWithSupersedeNote(proposal, existing),
  decide: decideSupersede,
  closingComment(proposal, link) {
    const images = imagesOf(proposal.metadata).map((i) => `\`${i.repository}:${i.tag}\``).join(', ');
    return `Superseded by ${link}, which moves ${images || 'the same images'} in \`${proposal.environment}\`.`;
  },
};
