/** Renders a local image-update result as the text the CLI prints. */
import type { Warning } from '../core/proposal/change.ts';
import type { LocalImageUpdateResult } from './run-image-update.ts';

/** `file:line: message`, without repeating a location the message already starts with. */
function formatWarning(w: Warning): string {
  const where = w.file ? `${w.file}${w.line ? `:${w.line}` : ''}` : '';
  return where && !w.message.startsWith(where) ? `${where}: ${w.message}` : w.message;
}

const indent = (text: string, by = '    '): string => text.trimEnd().replace(/^/gm, by);

/** The full report: notice, diff, the pull request that would be opened, the branch written, warnings. */
export function formatImageUpdate(r: LocalImageUpdateResult, mode: 'plan' | 'bump'): string {
  const out: string[] = [];
  const ref = `${r.release.repository}:${r.release.tag}${r.release.digest ? `@${r.release.digest}` : ''}`;
  out.push(`courier ${mode}: ${ref} → environment "${r.environment}"`);
  if (r.defaultedConfig) out.push('note: no .github/courier.yml, so every file belongs to one environment "default"; add the file to split environments.');
  if (r.proposal.commits.length === 0) {
    out.push(`nothing to do: no reference in environment "${r.environment}" needs ${r.release.tag}${r.warnings.length > 0 ? ' (see the warnings below)' : ''}.`);
  } else {
    out.push('', r.diff.trimEnd(), '');
    out.push(mode === 'plan' ? 'Pull request Courier would open (nothing was changed):' : 'Pull request Courier would open on GitHub:');
    out.push(`  branch:  ${r.proposal.branch}`);
    out.push(`  title:   ${r.proposal.title}`);
    out.push(`  labels:  ${r.proposal.labels.join(', ')}`);
    out.push('  body:', indent(r.proposal.body));
    out.push('  commit message:', indent(r.proposal.commits[0]!.message));
  }
  if (r.branch) out.push('', `created branch ${r.branch.name} at ${r.branch.commit} (your branch, HEAD and working tree are unchanged)`);
  if (r.warnings.length > 0) out.push('', `warnings (${r.warnings.length}):`, ...r.warnings.map((w) => `  - ${formatWarning(w)}`));
  return `${out.join('\n')}\n`;
}
