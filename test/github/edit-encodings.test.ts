import { execFileSync } from 'node:child_process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { setYieldSlice } from '../../src/event-loop-yield.ts';
import { EditEncodings } from '../../src/github/edit-encodings.ts';
import { makeProposal } from './github-fixtures.ts';

/** Git's own blob id of `text`, as the reference. */
const gitHashObject = (text: string) => execFileSync('git', ['hash-object', '--stdin'], { input: text }).toString().trim();

describe('edit encodings', () => {
  it("gives git's blob ids of before and after, the base64 of after's UTF-8, and null for a side that is absent", async () => {
    const edits = [
      { path: 'a.yaml', before: 'name: Zürich\r\n', after: 'name: "Zürich ☃ 𝄞"\n' },
      { path: 'new.yaml', before: null, after: 'new: 1\n' },
      { path: 'gone.yaml', before: 'gone: 1\n', after: null },
    ];
    const proposal = makeProposal('1.2.4', { commits: [{ message: 'm', edits }] });
    const encodings = await EditEncodings.of(proposal);
    const [a, created, deleted] = edits.map((e) => encodings.of(e));
    expect(a).toEqual({ beforeOid: gitHashObject(edits[0]!.before!), afterOid: gitHashObject(edits[0]!.after!), afterBase64: Buffer.from(edits[0]!.after!, 'utf8').toString('base64') });
    expect(created).toMatchObject({ beforeOid: null, afterOid: gitHashObject('new: 1\n') });
    expect(deleted).toEqual({ beforeOid: gitHashObject('gone: 1\n'), afterOid: null, afterBase64: null });
  });

  it('lets the event loop run while it encodes a large proposal', async () => {
    const edits = Array.from({ length: 50 }, (_, i) => ({ path: `apps/a-${i}.yaml`, before: `tag: 1.0.${i}\n`, after: `tag: 1.1.${i}\n` }));
    const proposal = makeProposal('1.2.4', { commits: [{ message: 'm', edits }] });
    const slice = setYieldSlice(0); // every check yields: proves the loop has its yield points, whatever this machine's speed
    onTestFinished(() => void setYieldSlice(slice));
    const turns: string[] = [];
    setImmediate(() => turns.push('event loop'));
    const encodings = await EditEncodings.of(proposal).then((e) => (turns.push('encoded'), e));
    expect(turns).toEqual(['event loop', 'encoded']);
    expect(encodings.of(edits[49]!).afterOid).toBe(gitHashObject('tag: 1.1.49\n'));
  });
});
