import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMetadata } from '../../../src/core/proposal/names.ts';
import {
  buildImageProposalView,
  IMAGE_TEMPLATE_NAMES,
  loadImageTemplates,
  renderImageProposal,
  versionOf,
  type ImageProposalInput,
} from '../../../src/core/image-update/image-proposal-view.ts';
import { MAX_SUBJECT_LENGTH, TemplateError } from '../../../src/core/proposal/template-engine.ts';
import type { ImageChange as Change } from '../../../src/core/image-update/image-change.ts';

const builtin = (name: string): string | undefined => {
  try {
    return readFileSync(new URL(`../../../templates/${name}`, import.meta.url), 'utf8');
  } catch {
    return undefined;
  }
};
const TEMPLATES = loadImageTemplates(builtin);
const DIGEST = `sha256:${'c'.repeat(64)}`;

const change = (over: Partial<Change>): Change => ({
  file: 'overlays/dev/deploy.yaml',
  line: 9,
  object: { kind: 'Deployment', namespace: 'apps', name: 'app' },
  field: 'spec.template.spec.containers[0].image',
  old: 'ghcr.io/acme/app:1.2.0',
  new: 'ghcr.io/acme/app:1.3.0',
  reason: 'container',
  image: 'ghcr.io/acme/app',
  ...over,
});

const SINGLE: ImageProposalInput = {
  environment: 'dev',
  subject: 'ghcr.io/acme/app',
  releases: [{ repository: 'ghcr.io/acme/app', tag: '1.3.0', digest: DIGEST, source: { url: 'https://github.com/acme/app.git' } }],
  changes: [
    change({}),
    change({
      file: 'clusters/cloud-dev/app.yaml',
      line: 16,
      object: { kind: 'Kustomization', namespace: 'flux-system', name: 'app' },
      field: 'spec.postBuild.substitute.APP_VERSION',
      old: '1.2.0',
      new: '1.3.0',
      reason: 'postbuild-substitute',
    }),
  ],
  warnings: [
    { code: 'yaml-parse-error', message: 'not valid YAML, this document is skipped', file: 'apps/x/bad.yaml', line: 3 },
    { code: 'policy-refused', message: 'policy flux-system:app refuses 1.3.0' },
  ],
  clusterOf: (file) => (file.startsWith('clusters/cloud-dev/') ? 'cloud-dev' : undefined),
};

describe('buildImageProposalView', () => {
  it('groups changes by image and file, with old → new, clusters and a compare link', () => {
    const view = buildImageProposalView(SINGLE);
    expect(view.imageCount).toBe(1);
    expect(view.image).toBe(view.images[0]);
    expect(view.image).toMatchObject({
      repository: 'ghcr.io/acme/app',
      shortName: 'app',
      from: ['1.2.0'],
      to: '1.3.0',
      toDigest: 'sha256:cccccccccccc',
      compareUrl: 'https://github.com/acme/app/compare/1.2.0...1.3.0',
      clusters: ['cloud-dev'],
      changeCount: 2,
    });
    expect(view.image!.files.map((f) => [f.file, f.cluster])).toEqual([
      ['clusters/cloud-dev/app.yaml', 'cloud-dev'],
      ['overlays/dev/deploy.yaml', undefined],
    ]);
    expect(view.image!.files[1]!.changes[0]!.object).toBe('Deployment apps/app');
    expect(view.warnings.map((w) => w.location)).toEqual(['apps/x/bad.yaml:3', '']);
    expect(view.metadata).toEqual({
      version: 1,
      kind: 'image',
      environment: 'dev',
      subject: 'ghcr.io/acme/app',
      // The release's source is kept, so a release rebuilt from the metadata renders the same body.
      images: [{ repository: 'ghcr.io/acme/app', tag: '1.3.0', digest: DIGEST, source: { url: 'https://github.com/acme/app.git' } }],
    });
  });

  it('gives no compare link when several versions are replaced', () => {
    const view = buildImageProposalView({ ...SINGLE, changes: [change({}), change({ old: 'ghcr.io/acme/app:1.1.0', file: 'b.yaml' })] });
    expect(view.image!.from).toEqual(['1.1.0', '1.2.0']);
    expect(view.image!.compareUrl).toBeUndefined();
  });

  it.each([
    ['ghcr.io/acme/app:1.2.0', '1.2.0'],
    ['1.2.0', '1.2.0'],
    [DIGEST, 'sha256:cccccccccccc'],
    [`nginx:1.25@${DIGEST}`, '1.25@sha256:cccccccccccc'],
    ['localhost:5000/app', 'localhost:5000/app'],
  ])('versionOf(%j) = %j', (value, version) => {
    expect(versionOf(value)).toBe(version);
  });
});

describe('renderImageProposal with the built-in templates', () => {
  it('renders title, body with per-file table, links, warnings and metadata, and the commit message', () => {
    const out = renderImageProposal(buildImageProposalView(SINGLE), TEMPLATES);
    expect(out.title).toBe('Update app to 1.3.0 in dev');
    expect(out.body).toContain('### `ghcr.io/acme/app`: `1.2.0` → `1.3.0` (`sha256:cccccccccccc`)');
    expect(out.body).toContain('- Changes: https://github.com/acme/app/compare/1.2.0...1.3.0');
    expect(out.body).toContain(
      '| `clusters/cloud-dev/app.yaml` | 16 | `spec.postBuild.substitute.APP_VERSION` | cloud-dev | `1.2.0` | `1.3.0` |',
    );
    expect(out.body).toContain('| `overlays/dev/deploy.yaml` | 9 | `spec.template.spec.containers[0].image` |  | `ghcr.io/acme/app:1.2.0` | `ghcr.io/acme/app:1.3.0` |');
    expect(out.body).toContain('- `apps/x/bad.yaml:3`: not valid YAML, this document is skipped\n- policy flux-system:app refuses 1.3.0');
    expect(parseMetadata(out.body)).toEqual(buildImageProposalView(SINGLE).metadata);
    expect(out.commitMessage).toBe(
      'Update app to 1.3.0 in dev\n\nghcr.io/acme/app: 1.2.0 -> 1.3.0\n- clusters/cloud-dev/app.yaml (cloud-dev)\n- overlays/dev/deploy.yaml\n',
    );
  });

  it('renders grouped releases as one proposal, images sorted', () => {
    const input: ImageProposalInput = {
      environment: 'prod',
      subject: 'group',
      releases: [
        { repository: 'ghcr.io/acme/web', tag: '2.0.0' },
        { repository: 'ghcr.io/acme/api', tag: '5.1.0' },
      ],
      changes: [
        change({ image: 'ghcr.io/acme/web', old: 'ghcr.io/acme/web:1.0.0', new: 'ghcr.io/acme/web:2.0.0', file: 'web.yaml' }),
        change({ image: 'ghcr.io/acme/api', old: 'ghcr.io/acme/api:5.0.0', new: 'ghcr.io/acme/api:5.1.0', file: 'api.yaml' }),
      ],
      warnings: [],
    };
    const out = renderImageProposal(buildImageProposalView(input), TEMPLATES);
    expect(out.title).toBe('Update 2 images in prod');
    expect(out.body.indexOf('`ghcr.io/acme/api`')).toBeLessThan(out.body.indexOf('`ghcr.io/acme/web`'));
    expect(out.body).not.toContain('Warnings');
    expect((parseMetadata(out.body)?.images as Array<{ tag: string }> | undefined)?.map((i) => i.tag)).toEqual(['5.1.0', '2.0.0']);
  });

  it('keeps the commit subject within 72 characters and the body intact', () => {
    const long = buildImageProposalView({
      ...SINGLE,
      environment: 'production-europe-west-with-a-very-long-name',
      releases: [{ repository: 'ghcr.io/acme/app', tag: '2024.01.01-build.123456789-gabcdef0' }],
    });
    const out = renderImageProposal(long, TEMPLATES);
    const [subject, blank] = out.commitMessage.split('\n');
    expect(subject!.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(subject!.endsWith('…')).toBe(true);
    expect(blank).toBe('');
    expect(out.commitMessage).toContain('- clusters/cloud-dev/app.yaml (cloud-dev)');
  });

  it('escapes table-breaking characters and backticks', () => {
    const out = renderImageProposal(buildImageProposalView({ ...SINGLE, changes: [change({ file: 'a|b.yaml', field: 'x`y' })] }), TEMPLATES);
    expect(out.body).toContain('| `a\\|b.yaml` | 9 | `` x`y `` |');
  });
});

describe('loadImageTemplates', () => {
  it('prefers the repository override and falls back to the built-in templates', () => {
    const override: Record<string, string> = { 'image-pr-title.hbs': 'chore({{environment}}): {{image.shortName}} {{join image.from ","}}→{{image.to}}' };
    const templates = loadImageTemplates((name) => override[name] ?? builtin(name));
    const out = renderImageProposal(buildImageProposalView(SINGLE), templates);
    expect(out.title).toBe('chore(dev): app 1.2.0→1.3.0');
    expect(out.commitMessage.startsWith('Update app to 1.3.0 in dev\n')).toBe(true);
  });

  it('keeps the metadata block even when an override body leaves it out', () => {
    const templates = loadImageTemplates((name) => (name === 'image-pr-body.hbs' ? 'Just {{environment}}.' : builtin(name)));
    const out = renderImageProposal(buildImageProposalView(SINGLE), templates);
    expect(out.body.startsWith('Just dev.\n\n<!-- courier-metadata')).toBe(true);
    expect(parseMetadata(out.body)?.subject).toBe('ghcr.io/acme/app');
  });

  it('names a missing or broken template', () => {
    expect(() => loadImageTemplates((name) => (name === 'image-pr-body.hbs' ? undefined : builtin(name)))).toThrow(
      new TemplateError('image-pr-body.hbs', 'not found'),
    );
    expect(() => loadImageTemplates((name) => (name === 'image-pr-title.hbs' ? '{{#if image}}x{{/each}}' : builtin(name)))).toThrow(
      /template image-pr-title.hbs: .*if doesn't match each/,
    );
  });

  it('ships every template it needs', () => {
    for (const name of IMAGE_TEMPLATE_NAMES) expect(builtin(name), name).toBeDefined();
  });
});
