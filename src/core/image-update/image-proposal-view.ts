/**
 * The image job's pull-request view: changes grouped by image, then file, with clusters and compare
 * links, rendered through the image templates (`templates/image-*.hbs`, overridable per repository).
 */
import type { Warning } from '../proposal/change.ts';
import type { ProposalMetadata } from '../proposal/proposal.ts';
import { warningText } from '../proposal/warning-text.ts';
import { loadTemplates, renderProposalText, type ProposalTemplates, type ProposalText } from '../proposal/template-engine.ts';
import type { ImageChange } from './image-change.ts';
import { tryParseImageRef } from './image-ref.ts';
import type { Release } from './release.ts';

/** The templates an image proposal needs, as file names in `templates/` (or the repo's override folder). */
export const IMAGE_TEMPLATE_NAMES = ['image-pr-title.hbs', 'image-pr-body.hbs', 'image-commit-message.hbs'] as const;

/** Compiled image-proposal templates. */
export type ImageTemplates = ProposalTemplates;

/** Compiles the image templates from `read` (repository override first, then built-in); throws TemplateError. */
export function loadImageTemplates(read: (name: string) => string | undefined): ImageTemplates {
  const [title, body, commitMessage] = IMAGE_TEMPLATE_NAMES;
  return loadTemplates(read, { title, body, commitMessage });
}

/** One edited value as templates see it. */
export interface ChangeView {
  file: string;
  line: number;
  field: string;
  object: string;
  old: string;
  new: string;
  reason: string;
  why?: string;
  setter?: string;
  cluster?: string;
}

/** One image of a proposal: where it moves, from what, to what. */
export interface ImageView {
  repository: string;
  /** Last path component, e.g. `app` for `ghcr.io/acme/app`. */
  shortName: string;
  /** Distinct versions replaced (tags, or short digests). */
  from: string[];
  /** The release's tag. */
  to: string;
  /** The release's digest, shortened to 12 hex digits, when known. */
  toDigest?: string;
  release?: Release;
  /** GitHub compare link when the release names its source repository and one version is replaced. */
  compareUrl?: string;
  files: Array<{ file: string; cluster?: string; changes: ChangeView[] }>;
  clusters: string[];
  changeCount: number;
}

/** Everything the image templates may use. */
export interface ImageProposalView {
  environment: string;
  images: ImageView[];
  /** The single image when there is exactly one, for simple titles. */
  image?: ImageView;
  warnings: Array<Warning & { location: string }>;
  imageCount: number;
  fileCount: number;
  changeCount: number;
  metadata: ProposalMetadata;
}

/** Input of buildImageProposalView. */
export interface ImageProposalInput {
  environment: string;
  subject: string;
  releases: readonly Release[];
  changes: readonly ImageChange[];
  warnings: readonly Warning[];
  /** The cluster a file deploys to, when known (e.g. from the environment's cluster folders). */
  clusterOf?: (file: string) => string | undefined;
}

function shortDigest(digest: string): string {
  return digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, '$1');
}

/** The version part of a referenced value: `ghcr.io/a/b:1.0` → `1.0`, `1.0` → `1.0`, digests shortened. */
export function versionOf(value: string): string {
  if (/^sha256:/.test(value)) return shortDigest(value);
  if (!value.includes(':') && !value.includes('@')) return value;
  const ref = tryParseImageRef(value);
  if (!ref || (ref.tag === undefined && ref.digest === undefined)) return value;
  return [ref.tag, ref.digest && shortDigest(ref.digest)].filter(Boolean).join('@');
}

function compareUrl(release: Release | undefined, from: string[]): string | undefined {
  const url = release?.source?.url?.replace(/\.git$/, '').replace(/\/+$/, '');
  if (!url || !/^https:\/\/[^/]+\/[^/]+\/[^/]+$/.test(url) || from.length !== 1 || from[0]!.startsWith('sha256:')) return undefined;
  return `${url}/compare/${encodeURIComponent(from[0]!)}...${encodeURIComponent(release!.tag)}`;
}

/** Groups changes by image, then file, sorted, and resolves clusters and compare links. */
export function buildImageProposalView(input: ImageProposalInput): ImageProposalView {
  const byImage = new Map<string, ImageChange[]>();
  for (const c of input.changes) byImage.set(c.image, [...(byImage.get(c.image) ?? []), c]);
  const repositories = [...new Set([...input.releases.map((r) => r.repository), ...byImage.keys()])].sort();
  const images: ImageView[] = repositories.flatMap((repository) => {
    const changes = [...(byImage.get(repository) ?? [])].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    if (changes.length === 0) return [];
    const release = input.releases.find((r) => r.repository === repository);
    const files = new Map<string, ChangeView[]>();
    for (const c of changes) {
      const cluster = input.clusterOf?.(c.file);
      const view: ChangeView = {
        file: c.file,
        line: c.line,
        field: c.field,
        object: c.object ? [c.object.kind, [c.object.namespace, c.object.name].filter(Boolean).join('/')].filter(Boolean).join(' ') : '',
        old: c.old,
        new: c.new,
        reason: c.reason,
        ...(c.why ? { why: c.why } : {}),
        ...(c.setter ? { setter: c.setter } : {}),
        ...(cluster ? { cluster } : {}),
      };
      files.set(c.file, [...(files.get(c.file) ?? []), view]);
    }
    const from = [...new Set(changes.map((c) => versionOf(c.old)))].sort();
    const to = release?.tag ?? versionOf(changes[0]!.new);
    const url = compareUrl(release, from);
    const clusters = [...new Set(changes.flatMap((c) => input.clusterOf?.(c.file) ?? []))].sort();
    return [
      {
        repository,
        shortName: repository.split('/').at(-1) ?? repository,
        from,
        to,
        ...(release?.digest ? { toDigest: shortDigest(release.digest) } : {}),
        ...(release ? { release } : {}),
        ...(url ? { compareUrl: url } : {}),
        files: [...files].map(([file, fileChanges]) => ({ file, ...(fileChanges[0]!.cluster ? { cluster: fileChanges[0]!.cluster } : {}), changes: fileChanges })),
        clusters,
        changeCount: changes.length,
      },
    ];
  });
  const metadata: ProposalMetadata = {
    version: 1,
    kind: 'image',
    environment: input.environment,
    subject: input.subject,
    images: images.map((i) => ({
      repository: i.repository,
      tag: i.release?.tag ?? i.to,
      ...(i.release?.digest ? { digest: i.release.digest } : {}),
      ...(i.release?.source && Object.keys(i.release.source).length > 0 ? { source: i.release.source } : {}),
    })),
  };
  return {
    environment: input.environment,
    images,
    ...(images.length === 1 ? { image: images[0]! } : {}),
    warnings: input.warnings.map((w) => ({ ...w, ...warningTextFields(w) })),
    imageCount: images.length,
    fileCount: new Set(input.changes.map((c) => c.file)).size,
    changeCount: input.changes.length,
    metadata,
  };
}


/** The PR body prints `location` beside the message, so the message drops its own copy of it. */
function warningTextFields(w: Warning): { location: string; message: string } {
  const { location, text } = warningText(w);
  return { location, message: text };
}

/** Renders title, body (with the metadata block appended) and commit message (subject ≤ 72 characters). */
export function renderImageProposal(view: ImageProposalView, templates: ImageTemplates): ProposalText {
  return renderProposalText(view, view.metadata, templates);
}
