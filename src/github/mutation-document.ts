/**
 * Several GraphQL mutations in one document: GitHub runs them serially in one HTTP request, so a
 * branch, its commit and its pull request cost one mutating request instead of three.
 */
import type { GitHubClient } from './github-client.ts';
import { GitHubError } from './errors.ts';

/** One mutation field: `alias: mutation(input: $alias) { selection }`. */
export interface MutationField {
  alias: string;
  mutation: string;
  inputType: string;
  input: Record<string, unknown>;
  selection: string;
  /** A failure of this field is reported as a warning instead of failing the document. */
  optional?: boolean;
}

/** Result: data by alias, and the messages of optional fields that failed. */
export interface MutationResult {
  data: Record<string, unknown>;
  failed: Array<{ alias: string; message: string }>;
}

/** Renders the document text. */
function renderMutation(name: string, fields: MutationField[]): string {
  const decl = fields.map((f) => `$${f.alias}: ${f.inputType}!`).join(', ');
  const body = fields.map((f) => `  ${f.alias}: ${f.mutation}(input: $${f.alias}) { ${f.selection} }`).join('\n');
  return `mutation ${name}(${decl}) {\n${body}\n}`;
}

/**
 * Sends the fields as one document. Errors on optional fields become `failed`; any other error is
 * rethrown as the adapter classified it (a conflict anywhere makes the whole write retry).
 */
export async function runMutation(gh: GitHubClient, name: string, fields: MutationField[]): Promise<MutationResult> {
  const variables = Object.fromEntries(fields.map((f) => [f.alias, f.input]));
  try {
    const data = await gh.graphql<Record<string, unknown>>(renderMutation(name, fields), variables);
    return { data, failed: [] };
  } catch (error) {
    if (!(error instanceof GitHubError) || error.errors.length === 0) throw error;
    const optional = new Set(fields.filter((f) => f.optional).map((f) => f.alias));
    const failed = error.errors.map((e) => ({ alias: String(e.path?.[0] ?? ''), message: e.message }));
    if (!failed.every((f) => optional.has(f.alias))) throw error;
    return { data: (error.data ?? {}) as Record<string, unknown>, failed };
  }
}
