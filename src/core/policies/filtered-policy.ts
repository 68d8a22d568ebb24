/** A ValuePolicy behind an optional filterTags block: the TagPolicy callers use. */
import { PolicyError, type TagPolicy } from './tag-policy.ts';
import { compileTagFilter } from './tag-filter.ts';
import type { ValuePolicy } from './value-policy.ts';

/**
 * Runs `rule` on the values filterTags extracts and answers with original tags, as Flux's
 * ImagePolicy reconciler does. Without filterTags every tag is its own value.
 */
export function filteredPolicy(rule: ValuePolicy, filterTags?: { pattern?: string; extract?: string }): TagPolicy {
  const filter = filterTags ? compileTagFilter(filterTags) : undefined;
  const value = (tag: string): string | undefined => (filter ? filter.extractValue(tag) : tag);
  const suffix = filter ? ` of tags matching ${JSON.stringify(filter.pattern)}${filter.extract ? ` (extract ${JSON.stringify(filter.extract)})` : ''}` : '';
  return {
    accepts(tag) {
      const v = value(tag);
      return v !== undefined && rule.accepts(v);
    },
    compare(a, b) {
      return rule.compare(value(a) ?? a, value(b) ?? b);
    },
    select(tags) {
      if (tags.length === 0) {
        // Quotes both of Flux's wordings (controller, then policy) so users can search either.
        throw new PolicyError(
          'the image has no tags to choose from (Flux: "no tags in database", "version list argument cannot be empty")',
          'NoCandidate',
        );
      }
      if (!filter) return rule.latest(tags);
      const byValue = filter.apply(tags);
      if (byValue.size === 0) {
        throw new PolicyError(
          `no tag matches filterTags pattern '${filter.pattern}': version list argument cannot be empty`,
          'NoCandidate',
        );
      }
      return byValue.get(rule.latest([...byValue.keys()])) as string;
    },
    describe: () => rule.describe() + suffix,
  };
}
