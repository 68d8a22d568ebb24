import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { describe, expect, it } from 'vitest';
import { validateCourierConfig, type CourierConfig } from '../../src/core/config/index.ts';
import { loadConfig } from '../../src/github/config-loader.ts';
import { useStrictNock } from '../support/strict-nock.ts';

const API = 'https://api.github.com';
const CONFIG = '.github%2Fcourier.yml';
const yaml = (text: string) => [200, text, { 'content-type': 'application/vnd.github.raw+json; charset=utf-8' }] as const;
const octokit = () => new ProbotOctokit({ auth: { token: 'test-token-not-real' }, retry: { enabled: false }, throttle: { enabled: false } });

const ORG_DEFAULTS = `environments:
  - name: dev
    clusters: [cloud-dev]
    paths: ["clusters/dev/**"]
pullRequests:
  labels: [courier]
  reviewers: [platform-bot]
`;

useStrictNock();

describe('loadConfig merges an _extends chain the way Probot context.config does', () => {
  it('nested settings of the base are kept beside those the repository sets; a list the repository writes replaces the inherited one', async () => {
    nock(API)
      .get(`/repos/acme/gitops/contents/${CONFIG}`)
      .reply(...yaml('_extends: .github\nenvironments:\n  - name: prod\n    clusters: [cloud-prod]\n    paths: ["clusters/prod/**"]\npullRequests:\n  groupWindow: 30s\n'))
      .get(`/repos/acme/.github/contents/${CONFIG}`)
      .reply(...yaml(ORG_DEFAULTS));
    const loaded = await loadConfig(octokit() as never, { validateConfig: validateCourierConfig }, { owner: 'acme', repo: 'gitops' });
    if (loaded.status !== 'valid') throw new Error(`expected a valid config, got ${JSON.stringify(loaded)}`);
    const config = loaded.config as CourierConfig;
    expect(config.environments.map((e) => e.name)).toEqual(['prod']);
    expect(config.pullRequests).toMatchObject({ labels: ['courier'], reviewers: ['platform-bot'], groupWindow: '30s' });
  });
});
