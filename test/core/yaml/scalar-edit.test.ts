import { describe, expect, it } from 'vitest';
import { isScalar, parseDocument } from 'yaml';
import type { Scalar } from 'yaml';
import { applyScalarEdits, needsQuotes, ScalarEditError } from '../../../src/core/yaml/scalar-edit.ts';
import { isParseFailure, parseYamlFile } from '../../../src/core/yaml/yaml-file.ts';

/** Edits `key` of the first document of `text` to `value`. */
function edit(text: string, key: string, value: string, inFlow = false): string {
  const doc = parseDocument(text);
  const node = doc.getIn(key.split('.'), true);
  if (!isScalar(node)) throw new Error(`no scalar at ${key}`);
  return applyScalarEdits(text, [{ node: node as Scalar, value, inFlow }]);
}

describe('needsQuotes', () => {
  it('quotes values that YAML 1.1 or 1.2 would not read as strings', () => {
    for (const v of ['1.10', '20240101', 'on', 'yes', 'true', '1e3', '1:20', 'null', '~', '', '2024-01-01', '0x1f']) {
      expect(needsQuotes(v, false), v).toBe(true);
    }
  });
  it('keeps ordinary image values plain', () => {
    for (const v of ['1.0.1', 'v1.2.3', 'ghcr.io/acme/app:1.2.0', 'sha256:' + 'a'.repeat(64), 'main-abc123']) {
      expect(needsQuotes(v, false), v).toBe(false);
    }
  });
  it('quotes flow indicators inside flow collections only', () => {
    expect(needsQuotes('a,b', true)).toBe(true);
    expect(needsQuotes('a,b', false)).toBe(false);
  });
});

describe('applyScalarEdits', () => {
  it('keeps the quoting style and every other byte', () => {
    const text = "a: 'x' # c\r\nb: \"y\"\r\nc: z\r\n";
    expect(edit(text, 'a', "it's")).toBe("a: 'it''s' # c\r\nb: \"y\"\r\nc: z\r\n");
    expect(edit(text, 'b', 'q"r')).toBe('a: \'x\' # c\r\nb: "q\\"r"\r\nc: z\r\n');
    expect(edit(text, 'c', 'w')).toBe("a: 'x' # c\r\nb: \"y\"\r\nc: w\r\n");
  });
  it('double-quotes a plain value that would change type, like Flux', () => {
    expect(edit('tag: v1.9 # keep\n', 'tag', '1.10')).toBe('tag: "1.10" # keep\n');
  });
  it('fills an empty value, keeping a separating space', () => {
    expect(edit('digest: # m\n', 'digest', 'sha256:abc')).toBe('digest: sha256:abc # m\n');
    expect(edit('digest:\nx: 1\n', 'digest', 'abc')).toBe('digest: abc\nx: 1\n');
  });
  it('refuses block scalars', () => {
    expect(() => edit('a: |\n  text\n', 'a', 'new')).toThrow(ScalarEditError);
  });
  it('applies several edits in one pass and verifies each', () => {
    const text = '---\na: 1.0.0\n---\nb: [x:1, "y:2"]\n';
    const docs = parseYamlFile(text);
    if (isParseFailure(docs)) throw new Error('parse');
    const a = docs.documents[0]!.get('a', true) as Scalar;
    const seq = docs.documents[1]!.get('b', true) as { items: Scalar[] };
    const out = applyScalarEdits(text, [
      { node: seq.items[1]!, value: 'y:3', inFlow: true },
      { node: a, value: '1.2.0', inFlow: false },
      { node: seq.items[0]!, value: 'x:1,2', inFlow: true },
    ]);
    expect(out).toBe('---\na: 1.2.0\n---\nb: ["x:1,2", "y:3"]\n');
  });
});

describe('parseYamlFile', () => {
  it('reports the first error with its 1-based line', () => {
    const failure = parseYamlFile('a: 1\nb: [\nc: 2\n---\nok: 1\n');
    expect(isParseFailure(failure)).toBe(true);
    if (isParseFailure(failure)) expect(failure.line).toBeGreaterThanOrEqual(2);
  });
});
