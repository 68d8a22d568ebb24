import { describe, expect, it } from 'vitest';
import { imagesOf } from '../../../src/core/image-update/image-supersede-rule.ts';
import { parseMetadata } from '../../../src/core/proposal/names.ts';

const block = (images: unknown) =>
  parseMetadata(`<!-- courier-metadata\n${JSON.stringify({ version: 1, kind: 'image', environment: 'dev', subject: 's', images })}\n-->`);

describe('image job data of a metadata block (imagesOf)', () => {
  it('reads well-formed entries, digest and source included', () => {
    const images = [
      { repository: 'ghcr.io/acme/app', tag: '1.2.3', digest: 'sha256:' + 'a'.repeat(64) },
      { repository: 'ghcr.io/acme/api', tag: '2.0.0', source: { url: 'https://github.com/acme/api', revision: 'abc' } },
    ];
    expect(imagesOf(block(images))).toEqual(images);
  });

  it.each<[unknown, string]>([
    [[{ tag: 1 }], 'an entry without repository, tag not a string'],
    [[{ repository: 'ghcr.io/acme/app', tag: '1.0.0' }, { repository: 'ghcr.io/acme/api' }], 'one good entry beside a broken one'],
    [[{ repository: 'ghcr.io/acme/app', tag: '1.0.0', digest: 5 }], 'digest not a string'],
    [{ repository: 'ghcr.io/acme/app', tag: '1.0.0' }, 'not a list'],
  ])('is empty when the images do not parse: %j (%s), so supersede never acts on half a record', (images) => {
    expect(imagesOf(block(images))).toEqual([]);
  });

  it('drops only an entry whose source is not an object of strings', () => {
    const good = { repository: 'ghcr.io/acme/app', tag: '1.0.0' };
    expect(imagesOf(block([good, { repository: 'ghcr.io/acme/api', tag: '2.0.0', source: 'x' }]))).toEqual([good]);
  });
});
