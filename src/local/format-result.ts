/** Renders a local image-update result as the text the CLI prints. */
import type { Warning } from '../core/proposal/change.ts';
import { warningText } from '../core/proposal/warning-text.ts';
import type { LocalImageUpdateResult } from './run-image-update.ts';
import { describeCommit } from '../git/local-repo.ts';

/** `file:line: message`, the location said once. */
function formatWarning(w: Warning): string {
  const { location, text } = warningText(w);
  return location ? `${location}: ${text}` : text;
}

const indent = (text: string, by = '    '): string => text.trimEnd().replace(/^/gm, by);

/** The full report: notice, diff, the pull request that would be opened, the branch written, warnings. */
export function formatImageUpdate(r: LocalImageUpdateResult, mode: 'plan' | 'bump'): string {
  const out: string[] = [];
  const ref = `${r.release.repository}:${r.release.tag}${r.release.digest ? `@${r.release.digest}` : ''}`;
  out.push(`courier ${mode}: ${ref} → environment "${r.environment}"`);
  out.push(...r.notes);
  if (r.defaultedConfig) out.push('note: no .github/courier.yml, so every file belongs to one environment "default"; add the file to split environments.');
  if (r.proposal.commits.length === 0) {
    out.push(`nothing to do: no reference in environment "${r.environment}" needs ${r.release.tag}${r.warnings.length > 0 ? ' (see the warnings below)' : ''}.`);
    if (r.release.tag === 'latest') {
      out.push(
        'note: "latest" is a moving tag, not a version: Courier never replaces a version with it, and references that say latest (or no tag) already follow it. Only latest@sha256:… pins change, to the release digest (give --digest). To bump versions, give the version tag, e.g. --image ' +
          `${r.release.repository}:1.2.3.`,
      );
    }
  } else {
    out.push('', r.diff.trimEnd(), '');
    out.push(mode === 'plan' ? 'Pull request Courier would open (nothing was changed):' : 'Pull request Courier would open on GitHub:');
    out.push(`  branch:  ${r.proposal.branch}`);
    out.push(`  title:   ${r.proposal.title}`);
    out.push(`  labels:  ${r.proposal.labels.join(', ')}`);
    out.push('  body:', indent(r.proposal.body));
    out.push('  commit message:', indent(r.proposal.commits[0]!.message));
  }
  if (r.branch) {
    const discarded = r.branch.discarded.length > 0 ? `, discarding ${r.branch.discarded.map(describeCommit).join(', ')} (--force)` : '';
    out.push('', `${r.branch.action} branch ${r.branch.name} at ${r.branch.commit}${discarded} (your branch, HEAD and working tree are unchanged)`);
  }
  if (r.warnings.length > 0) out.push('', `warnings (${r.warnings.length}):`, ...r.warnings.map((w) => `  - ${formatWarning(w)}`));
  return `${out.join('\n')}\n`;
}
