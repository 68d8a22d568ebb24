/**
 * Rewrites the age recipients of `.sops.yaml` creation rules, keeping the rest of the file as it is:
 * a comma string stays a comma string, a list stays a list (FORMAT.md §10: otherwise new files keep
 * being encrypted for the old key and `sops updatekeys` reverts the rotation).
 */
import { isScalar, isSeq, type Node } from 'yaml';
import { parseSopsConfig } from '../sops/creation-rules.ts';

/** `map(old recipient list) → new list` applied to every rule; returns the new text (unchanged when nothing maps). */
export function rewriteRuleRecipients(file: { path: string; text: string }, change: (age: readonly string[]) => string[]): string {
  const { config } = parseSopsConfig(file);
  const reps: Array<[number, number, string]> = [];
  for (const rule of config.rules) {
    const node = rule.ageNode as Node | undefined;
    if (!node || rule.age.length === 0) continue;
    const next = change(rule.age);
    if (next.length === rule.age.length && next.every((r, i) => r === rule.age[i])) continue;
    if (isScalar(node)) {
      reps.push([node.range![0], node.range![1], next.join(',')]);
    } else if (isSeq(node) && node.flow) {
      reps.push([node.range![0], node.range![1], `[${next.join(', ')}]`]);
    } else if (isSeq(node)) {
      const items = node.items as Node[];
      const first = items[0]!.range![0];
      const lineStart = file.text.lastIndexOf('\n', first - 1) + 1;
      const prefix = file.text.slice(lineStart, first); // e.g. "      - "
      const body = next.map((r, i) => (i === 0 ? r : `${prefix}${r}`)).join('\n');
      const end = items[items.length - 1]!.range![1];
      reps.push([first, end, body]);
    }
  }
  let out = file.text;
  for (const [s, e, t] of reps.sort((a, b) => b[0] - a[0])) out = out.slice(0, s) + t + out.slice(e);
  return out;
}
