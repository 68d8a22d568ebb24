/** Keeps the README's configuration reference equal to the one generated from the schema. */
import { configReferenceMarkdown } from './config-reference-markdown.ts';

const START = '<!-- config-reference:start -->';
const END = '<!-- config-reference:end -->';

/** The README text with the generated reference between its markers; throws when the markers are missing. */
export function withConfigReference(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md needs the markers ${START} and ${END}`);
  return `${readme.slice(0, start + START.length)}\n${configReferenceMarkdown().trimEnd()}\n${readme.slice(end)}`;
}
