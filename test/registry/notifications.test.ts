import { describe, expect, it } from 'vitest';
import { NotificationShapeError } from '../../src/registry/notification-parser.ts';
import { parse as distribution } from '../../src/registry/notifications/distribution.ts';
import { parse as dockerhub } from '../../src/registry/notifications/dockerhub.ts';
import { parse as harbor } from '../../src/registry/notifications/harbor.ts';
import { parse as quay } from '../../src/registry/notifications/quay.ts';
import { fixture } from './fixtures.ts';

const D1 = 'sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b';

describe('distribution', () => {
  it('reports the tagged manifest push, ignoring the blob push and the untagged index push', () => {
    expect(distribution(fixture('distribution.push').json, {})).toEqual([
      { repository: 'registry.example.com/acme/app', tag: '1.4.0', digest: D1 },
    ]);
  });

  it('ignores pulls', () => {
    expect(distribution(fixture('distribution.pull').json, {})).toEqual([]);
  });

  it('canonicalises with the configured registry host instead of request.host', () => {
    const [release] = distribution(fixture('distribution.push').json, {}, { registryHost: 'docker.io' });
    expect(release?.repository).toBe('docker.io/acme/app');
  });

  it('skips invalid names and tags, layer media types and deletes, keeping the others', () => {
    const body = {
      events: [
        { action: 'push', target: { repository: 'Acme/App', tag: '1', mediaType: 'application/vnd.oci.image.manifest.v1+json' }, request: { host: 'r.example.com' } },
        { action: 'push', target: { repository: 'acme/app', tag: '-bad', mediaType: 'application/vnd.oci.image.manifest.v1+json' }, request: { host: 'r.example.com' } },
        { action: 'push', target: { repository: 'acme/app', tag: '2', digest: 'md5:zz' }, request: { host: 'r.example.com' } },
        { action: 'push', target: { repository: 'acme/app', tag: '3', mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }, request: { host: 'r.example.com' } },
        { action: 'delete', target: { repository: 'acme/app', tag: '4', mediaType: 'application/vnd.oci.image.manifest.v1+json' }, request: { host: 'r.example.com' } },
      ],
    };
    expect(distribution(body, {})).toEqual([{ repository: 'r.example.com/acme/app', tag: '2' }]);
  });

  it('rejects a body that is not an envelope', () => {
    expect(() => distribution({ push_data: {} }, {})).toThrow(NotificationShapeError);
    expect(() => distribution([], {})).toThrow(/envelope/);
  });
});

describe('harbor', () => {
  it('reports tagged resources and drops the push by digest', () => {
    expect(harbor(fixture('harbor.push_artifact').json, {})).toEqual([
      { repository: 'harbor.example.com/platform/api', tag: '2.3.1', digest: D1 },
    ]);
  });

  it('gives nothing for other event types', () => {
    expect(harbor(fixture('harbor.pull_artifact').json, {})).toEqual([]);
  });

  it('uses the configured host', () => {
    expect(harbor(fixture('harbor.push_artifact').json, {}, { registryHost: 'registry.acme.io:8443' })[0]?.repository).toBe(
      'registry.acme.io:8443/platform/api',
    );
  });

  it('rejects the CloudEvents format and broken pushes with a message', () => {
    expect(() => harbor({ specversion: '1.0', type: 'harbor.artifact.pushed', data: {} }, {})).toThrow(/Default/);
    expect(() => harbor({ type: 'PUSH_ARTIFACT', event_data: { resources: [] } }, {})).toThrow(/repo_full_name/);
  });
});

describe('quay', () => {
  it('reports every updated tag with the host of docker_url', () => {
    expect(quay(fixture('quay.repo_push').json, {})).toEqual([
      { repository: 'quay.io/acme/web', tag: 'v3.2.0' },
      { repository: 'quay.io/acme/web', tag: 'latest' },
    ]);
  });

  it('reads the legacy object form without taking image ids for digests', () => {
    expect(quay(fixture('quay.repo_push-legacy').json, {})).toEqual([{ repository: 'quay.io/acme/web', tag: 'v3.1.9' }]);
  });

  it('uses the configured host for a self-hosted Quay', () => {
    expect(quay(fixture('quay.repo_push').json, {}, { registryHost: 'quay.acme.internal' })[0]?.repository).toBe(
      'quay.acme.internal/acme/web',
    );
  });

  it('rejects other shapes', () => {
    expect(() => quay({ repository: 'acme/web' }, {})).toThrow(NotificationShapeError);
    expect(() => quay({ repository: 'acme/web', updated_tags: 'latest' }, {})).toThrow(/list of tags/);
  });
});

describe('dockerhub', () => {
  it('reports the pushed tag on docker.io', () => {
    expect(dockerhub(fixture('dockerhub.push').json, {})).toEqual([{ repository: 'docker.io/acme/worker', tag: '0.9.2' }]);
  });

  it('canonicalises an official image name', () => {
    const body = { push_data: { tag: '1.27' }, repository: { repo_name: 'nginx' } };
    expect(dockerhub(body, {})).toEqual([{ repository: 'docker.io/library/nginx', tag: '1.27' }]);
  });

  it('rejects other shapes', () => {
    expect(() => dockerhub({ push_data: { tag: 'x' }, repository: {} }, {})).toThrow(/repo_name/);
    expect(() => dockerhub(fixture('quay.repo_push').json, {})).toThrow(NotificationShapeError);
  });
});
