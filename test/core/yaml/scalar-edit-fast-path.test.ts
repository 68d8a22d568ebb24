import { describe, expect, it } from 'vitest';
import { isScalar, parseAllDocuments, visit, type Scalar } from 'yaml';
import { applyScalarEdits } from '../../../src/core/yaml/scalar-edit.ts';

// Edits whose new value is one inert token skip the full re-parse; these cases prove, by parsing
// the result independently, that such edits keep every other value and read back exactly.
const CONTEXTS = [
  'image: OLD\nother: keep\n',
  'image: "OLD"\nother: keep\n',
  "image: 'OLD' # comment\nother: keep\n",
  'list: [a, OLD, keep]\n',
  'map: {image: OLD, other: keep}\n',
  '- name: x\n  image: OLD\n- keep\n',
  'key:\n  OLD\nother: keep\n',
  '---\nimage: OLD\r\nother: keep\r\n',
];
const VALUES = [
  'ghcr.io/acme/app:1.2.3',
  'ghcr.io/acme/app:1.2.3@sha256:' + 'a'.repeat(64),
  'sha256:' + 'b'.repeat(64),
  'v1.2.3-rc.1+build.5',
  'main-abc123-1700000000',
  'localhost:5000/team/app:7',
  '1.10',
  'true',
  '2024-01-01',
  'a:',
  '0x1F',
];

function values(text: string): unknown[] {
  const out: unknown[] = [];
  for (const doc of parseAllDocuments(text)) {
    expect(doc.errors).toEqual([]);
    visit(doc, { Scalar: (_k, node) => void out.push(node.value) });
  }
  return out;
}

describe('applyScalarEdits on inert values', () => {
  it.each(CONTEXTS.flatMap((context) => VALUES.map((value) => [context, value] as const)))('%j ← %s', (context, value) => {
    const docs = parseAllDocuments(context);
    let target: Scalar | undefined;
    let inFlow = false;
    for (const doc of docs) {
      visit(doc, {
        Scalar: (_k, node, path) => {
          if (isScalar(node) && node.value === 'OLD') {
            target = node;
            inFlow = path.some((p) => 'flow' in (p as object) && (p as { flow?: boolean }).flow === true);
          }
        },
      });
    }
    const out = applyScalarEdits(context, [{ node: target!, value, inFlow }]);
    const before = values(context);
    const after = values(out);
    expect(after).toEqual(before.map((v) => (v === 'OLD' ? value : v)));
    const [start, end] = target!.range!;
    expect(out.startsWith(context.slice(0, start))).toBe(true);
    expect(out.endsWith(context.slice(end))).toBe(true);
  });
});
