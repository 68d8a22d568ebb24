/**
 * The template engine every job renders its pull-request texts with: Handlebars (a maintained engine,
 * as the product spec asks) with a few Markdown-safe helpers, templates that a GitOps repository may
 * override, and the metadata block appended by code so an edited template can never lose it.
 */
import Handlebars from 'handlebars';
import { formatMetadata } from './names.ts';
import type { ProposalMetadata } from './proposal.ts';

/** Git tooling and GitHub truncate longer subject lines. */
export const MAX_SUBJECT_LENGTH = 72;
const MAX_TITLE_LENGTH = 256;

/** A template that is missing or does not compile; names the file and the line. */
export class TemplateError extends Error {
  constructor(
    readonly template: string,
    message: string,
  ) {
    super(`template ${template}: ${message}`);
    this.name = 'TemplateError';
  }
}


/** A job's three compiled templates. */
export interface ProposalTemplates {
  title: Handlebars.TemplateDelegate;
  body: Handlebars.TemplateDelegate;
  commitMessage: Handlebars.TemplateDelegate;
}

/** Which files (in `templates/` or the repo's override folder) hold a job's templates. */
export interface TemplateNames {
  title: string;
  body: string;
  commitMessage: string;
}

/** Helpers available to every template (including overrides). */
function createEngine(): typeof Handlebars {
  const hb = Handlebars.create();
  // Inline code that survives backticks in the value (CommonMark: a longer fence).
  hb.registerHelper('code', (value: unknown) => {
    const text = String(value ?? '');
    const fence = text.includes('`') ? '``' : '`';
    return new hb.SafeString(`${fence}${fence.length > 1 ? ' ' : ''}${text}${fence.length > 1 ? ' ' : ''}${fence}`);
  });
  // A Markdown table cell: pipes and newlines would break the row.
  hb.registerHelper('cell', (value: unknown) => new hb.SafeString(String(value ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')));
  hb.registerHelper('join', (list: unknown, sep: unknown) => (Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ', ') : ''));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  // String concatenation (the last argument is Handlebars' options object).
  hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map((a) => String(a ?? '')).join(''));
  hb.registerHelper('plural', (n: unknown, one: unknown, many: unknown) => (n === 1 ? one : many));
  return hb;
}


/**
 * Compiles a job's templates; `read(name)` returns a template's text or undefined (callers chain
 * the repo's `pullRequests.templates` folder before the built-in `templates/`). Throws TemplateError.
 */
export function loadTemplates(read: (name: string) => string | undefined, names: TemplateNames): ProposalTemplates {
  const hb = createEngine();
  const compile = (name: string): Handlebars.TemplateDelegate => {
    const source = read(name);
    if (source === undefined) throw new TemplateError(name, 'not found');
    try {
      hb.parse(source); // compile() is lazy; parse now so a broken override fails where it is loaded
    } catch (err) {
      throw new TemplateError(name, (err as Error).message.split('\n')[0] ?? 'syntax error');
    }
    // Markdown and plain text, not HTML: escaping would show `&amp;` in PRs and commits.
    return hb.compile(source, { noEscape: true });
  };
  return { title: compile(names.title), body: compile(names.body), commitMessage: compile(names.commitMessage) };
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
}


/** The texts of a proposal: title, body (with the metadata block appended) and commit message (subject ≤ 72 characters). */
export interface ProposalText {
  title: string;
  body: string;
  commitMessage: string;
}

/** Renders a job's view through its templates; `metadata` is appended to the body as the hidden block. */
export function renderProposalText(view: object, metadata: ProposalMetadata, templates: ProposalTemplates): ProposalText {
  const title = oneLine(templates.title(view), MAX_TITLE_LENGTH);
  const body = `${templates.body(view).trimEnd()}\n\n${formatMetadata(metadata)}\n`;
  const [subject = '', ...rest] = templates.commitMessage(view).trim().split('\n');
  const details = rest.join('\n').replace(/^\s*\n/, '').trimEnd();
  const commitMessage = `${oneLine(subject, MAX_SUBJECT_LENGTH)}${details ? `\n\n${details}` : ''}\n`;
  return { title, body, commitMessage };
}
