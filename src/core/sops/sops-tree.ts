/**
 * The store-independent tree of a SOPS file (FORMAT.md §1): ordered branches of ordered items, where
 * comments are items too. Each leaf and comment carries a `ref` its store uses to rewrite only the
 * bytes of that value in the original text.
 */
import type { SopsScalar } from './sops-scalar.ts';

/** A leaf: its typed value (null for YAML/JSON null), and the stored `ENC[…]` text when encrypted. */
export interface TreeLeaf {
  kind: 'leaf';
  ref: number;
  value: SopsScalar | null;
  /** The stored text when it is an `ENC[…]` value. */
  encrypted?: string;
  line?: number;
}

export interface TreeComment {
  kind: 'comment';
  ref: number;
  /** Comment text without the leading `#` (or `;` in INI). */
  text: string;
  line?: number;
}

export interface TreeEntry {
  kind: 'entry';
  key: string;
  value: TreeNode;
}

export interface TreeMap {
  kind: 'map';
  items: Array<TreeEntry | TreeComment>;
}

export interface TreeSeq {
  kind: 'seq';
  items: Array<TreeNode | TreeComment>;
}

export type TreeNode = TreeMap | TreeSeq | TreeLeaf;

/** What a walk visits: a leaf or comment with its key path and comment stack (one list per level). */
export type TreeVisitor = (item: TreeLeaf | TreeComment, path: readonly string[], comments: readonly (readonly string[])[]) => void;

/**
 * Walks branches in document order as sops's `walkBranch`/`walkSlice` do: list indices are not part
 * of the path, each map or list level has its own comment list, cleared after each non-comment item.
 */
export function walkTree(branches: readonly TreeMap[], visit: TreeVisitor, commentText: (c: TreeComment) => string = (c) => c.text): void {
  const stack: string[][] = [];
  const walkItems = (items: ReadonlyArray<TreeEntry | TreeNode | TreeComment>, path: readonly string[]) => {
    const level: string[] = [];
    stack.push(level);
    for (const item of items) {
      if (item.kind === 'comment') {
        level.push(commentText(item));
        visit(item, path, stack);
        continue;
      }
      const [node, p] = item.kind === 'entry' ? [item.value, [...path, item.key]] : [item, path];
      if (node.kind === 'leaf') visit(node, p, stack);
      else walkItems(node.items, p);
      level.length = 0;
    }
    stack.pop();
  };
  for (const b of branches) walkItems(b.items, []);
}

/** A branch as plain JavaScript (keys in order; comments dropped), e.g. to compare with expected output. */
export function treeToJs(node: TreeNode, leaf: (l: TreeLeaf) => unknown): unknown {
  if (node.kind === 'leaf') return leaf(node);
  if (node.kind === 'seq') return node.items.filter((i) => i.kind !== 'comment').map((i) => treeToJs(i as TreeNode, leaf));
  const out: Record<string, unknown> = {};
  for (const i of node.items) if (i.kind === 'entry') out[i.key] = treeToJs(i.value, leaf);
  return out;
}
