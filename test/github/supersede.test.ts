import nock from 'nock';
import { useStrictNock } from '../support/strict-nock.ts';
import { describe, expect, it } from 'vitest';
import { parseMetadata } from '../../src/core/proposal/names.ts';
import type { ProposalMetadata } from '../../src/core/proposal/proposal.ts';
import { gitBlobOid } from '../../src/github/git-blob.ts';
import { publishWithSupersede } from '../../src/github/publish-with-supersede.ts';
import { bodyWithSupersedeNote, decideSupersede, imageSupersedeRule } from '../../src/core/image-update/image-supersede-rule.ts';
import type { CourierPullRequest } from '../../src/github/open-pull-requests.ts';
import {
  AFTER,
  BASE,
  HEAD,
  NEW_HEAD,
  PR_ID,
  REF_ID,
  REPO,
  commitMessage,
  formatMeta,
  historyNode,
  makeClient,
  makeProposal,
  mockGraphQL,
  parseMeta,
  prNode,
  stateData,
  type GraphQLBody,
} from './github-fixtures.ts';

const fast = { retry: { minTimeout: 1, maxTimeout: 5 } };

function meta(images: Array<[string, string]>, over: Partial<ProposalMetadata> = {}): ProposalMetadata {
  return { version: 1, kind: 'image', environment: 'dev', subject: 's', images: images.map(([repository, tag]) => ({ repository, tag })), ...over };
}

function openPr(number: number, branch: string, m: ProposalMetadata | null): CourierPullRequest {
  return { id: `PR_${number}`, number, url: `https://github.com/acme/gitops/pull/${number}`, branch, body: m ? formatMeta(m) : 'hand-written', metadata: m };
}

describe('decideSupersede', () => {
  const proposal = makeProposal('1.2.4');
  const same = openPr(1, proposal.branch, meta([['ghcr.io/acme/app', '1.2.3']]));
  const otherBranch = openPr(2, 'courier/image/dev/group-1', meta([['ghcr.io/acme/app', '1.2.2']]));
  const wider = openPr(3, 'courier/image/dev/group-2', meta([['ghcr.io/acme/app', '1.2.2'], ['ghcr.io/acme/db', '3.0.0']]));
  const prod = openPr(4, 'courier/image/prod/ghcr.io-acme-app', meta([['ghcr.io/acme/app', '1.2.2']], { environment: 'prod' }));
  const promotion = openPr(5, 'courier/promotion/dev/app', meta([['ghcr.io/acme/app', '1.2.2']], { kind: 'promotion' }));
  const human = openPr(6, 'courier/manual', null);
  const all = [same, otherBranch, wider, prod, promotion, human];

  it('update: the same-branch PR is left to the write path (rewritten with a note); a covered PR on another branch is closed after', () => {
    expect(decideSupersede(proposal, all, 'update')).toEqual({ closeBefore: [], closeAfter: [otherBranch] });
    const body = bodyWithSupersedeNote(proposal, { ...prNode({ body: same.body }), autoMergeEnabled: false, labels: [] }, parseMeta);
    expect(body).toContain('`ghcr.io/acme/app`: superseded 1.2.3 → now 1.2.4');
  });

  it('close: the same-branch PR is closed before publishing, so a new PR replaces it', () => {
    const d = decideSupersede(proposal, all, 'close');
    expect(d.closeBefore.map((p) => p.number)).toEqual([1]);
    expect(d.closeAfter.map((p) => p.number)).toEqual([2]);
  });

  it('a same-branch PR already at the proposed tag is not superseded', () => {
    const d = decideSupersede(proposal, [openPr(1, proposal.branch, meta([['ghcr.io/acme/app', '1.2.4']]))], 'close');
    expect(d).toEqual({ closeBefore: [], closeAfter: [] });
  });

  it('a PR whose hand-edited images do not parse is left alone and gets no note, though its block parses', () => {
    const broken = `hand edit\n<!-- courier-metadata\n${JSON.stringify({ version: 1, kind: 'image', environment: 'dev', subject: 's', images: [{ repository: 'ghcr.io/acme/app', tag: '1.2.2' }, { tag: 1 }] })}\n-->`;
    const other = { ...openPr(7, 'courier/image/dev/group-3', null), body: broken, metadata: parseMetadata(broken) ?? null };
    const own = { ...openPr(1, proposal.branch, null), body: broken, metadata: parseMetadata(broken) ?? null };
    expect(other.metadata?.kind).toBe('image');
    expect(decideSupersede(proposal, [other, own], 'close')).toEqual({ closeBefore: [], closeAfter: [] });
    expect(bodyWithSupersedeNote(proposal, { body: broken }, parseMetadata)).toBe(proposal.body);
  });

  it('keeps the note of an earlier supersede on a re-run, so the body stays identical', () => {
    const first = bodyWithSupersedeNote(proposal, { ...prNode({ body: makeProposal('1.2.3').body }), autoMergeEnabled: false, labels: [] }, parseMeta);
    expect(first).toContain('superseded 1.2.3 → now 1.2.4');
    const again = bodyWithSupersedeNote(proposal, { ...prNode({ body: first }), autoMergeEnabled: false, labels: [] }, parseMeta);
    expect(again).toBe(first);
  });
});

describe('publishWithSupersede', () => {
  useStrictNock();

  function listReply(nodes: Array<{ number: number; branch: string; body: string; labels?: string[] }>) {
    return () => ({
      data: {
        repository: {
          pullRequests: {
            nodes: nodes.map((n) => ({
              id: `PR_${n.number}`,
              number: n.number,
              url: `https://github.com/acme/gitops/pull/${n.number}`,
              body: n.body,
              headRefName: n.branch,
              labels: { nodes: (n.labels ?? ['courier']).map((name) => ({ name })) },
            })),
          },
        },
      },
    });
  }

  it('update strategy: rebuilds the PR in place with "superseded 1.2.3 → now 1.2.4" and closes the covered other PR with a link', async () => {
    const seen: GraphQLBody[] = [];
    const old = makeProposal('1.2.3');
    const proposal = makeProposal('1.2.4');
    mockGraphQL('CourierOpenPullRequests', seen, listReply([
      { number: 42, branch: proposal.branch, body: old.body },
      { number: 17, branch: 'legacy-branch', body: formatMeta(meta([['ghcr.io/acme/app', '1.2.0']])) },
      { number: 18, branch: 'feature/x', body: 'not courier', labels: [] },
    ]));
    mockGraphQL('CourierPublishState', seen, () =>
      stateData({ head: { oid: HEAD, nodes: [historyNode(HEAD, BASE, commitMessage(old), gitBlobOid(AFTER.replace('1.2.4', '1.2.3')))] }, prs: [prNode({ title: old.title, body: old.body })] }),
    );
    mockGraphQL('CourierPublish', seen, () => ({
      data: { branch: { ref: { id: REF_ID } }, commit0: { commit: { oid: NEW_HEAD, url: 'u' } }, pr: { pullRequest: { id: PR_ID, number: 42, url: 'https://github.com/acme/gitops/pull/42' } } },
    }));
    mockGraphQL('CourierCloseSuperseded', seen, () => ({ data: { comment0: { clientMutationId: null }, close0: { pullRequest: { number: 17 } } } }));

    const result = await publishWithSupersede(makeClient(), REPO, proposal, { ...fast, rule: imageSupersedeRule, parseMetadata: parseMeta });

    expect(result).toMatchObject({ action: 'updated', number: 42, superseded: [17] });
    expect(result.requests).toEqual({ total: 4, mutating: 2 });
    const body = (seen[2]!.variables.pr as { body: string }).body;
    expect(body.startsWith(proposal.body)).toBe(true);
    expect(body).toContain('`ghcr.io/acme/app`: superseded 1.2.3 → now 1.2.4');
    expect(seen[3]!.variables).toEqual({
      comment0: { subjectId: 'PR_17', body: 'Superseded by #42 (https://github.com/acme/gitops/pull/42), which moves `ghcr.io/acme/app:1.2.4` in `dev`.' },
      close0: { pullRequestId: 'PR_17' },
    });
  });

  it('close strategy: closes the older same-branch PR first, then opens a new PR from the rebuilt branch', async () => {
    const seen: GraphQLBody[] = [];
    const old = makeProposal('1.2.3');
    const proposal = makeProposal('1.2.4');
    mockGraphQL('CourierOpenPullRequests', seen, listReply([{ number: 42, branch: proposal.branch, body: old.body }]));
    mockGraphQL('CourierCloseSuperseded', seen, () => ({ data: { comment0: { clientMutationId: null }, close0: { pullRequest: { number: 42 } } } }));
    mockGraphQL('CourierPublishState', seen, () =>
      stateData({ head: { oid: HEAD, nodes: [historyNode(HEAD, BASE, commitMessage(old), gitBlobOid(AFTER.replace('1.2.4', '1.2.3')))] } }),
    );
    mockGraphQL('CourierPublish', seen, () => ({
      data: { branch: { ref: { id: REF_ID } }, commit0: { commit: { oid: NEW_HEAD, url: 'u' } }, pr: { pullRequest: { id: 'PR_new', number: 43, url: 'https://github.com/acme/gitops/pull/43' } } },
    }));
    mockGraphQL('CourierDecorate', seen, () => ({ data: { labels: { clientMutationId: null } } }));

    const result = await publishWithSupersede(makeClient(), REPO, proposal, { ...fast, rule: imageSupersedeRule, strategy: 'close', parseMetadata: parseMeta });

    expect(result).toMatchObject({ action: 'created', number: 43, superseded: [42] });
    expect(seen[1]!.variables).toEqual({
      comment0: { subjectId: 'PR_42', body: `Superseded by a new pull request from \`${proposal.branch}\`, which moves \`ghcr.io/acme/app:1.2.4\` in \`dev\`.` },
      close0: { pullRequestId: 'PR_42' },
    });
    expect(seen[3]!.query).toContain('updateRef(input: $branch)');
    expect((seen[3]!.variables.pr as { body: string }).body).toBe(proposal.body);
  });
});
