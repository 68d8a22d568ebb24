import { courierConfigJsonSchema } from './courier-config-json-schema.ts';

interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  pattern?: string;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
}

/** The README's configuration reference: one table row per field, generated from the schema's descriptions. */
export function configReferenceMarkdown(): string {
  const rows: string[] = [];
  walk(courierConfigJsonSchema() as JsonSchemaNode, '', rows);
  return [
    '| Field | Type | Required | Default | Description |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n') + '\n';
}

function walk(node: JsonSchemaNode, path: string, rows: string[]): void {
  const children = node.properties ?? node.items?.properties;
  if (!children) return;
  const required = new Set((node.properties ? node.required : node.items?.required) ?? []);
  const prefix = node.properties ? path : `${path}[]`;
  for (const [key, child] of Object.entries(children)) {
    const childPath = prefix ? `${prefix}.${key}` : key;
    rows.push(
      `| \`${childPath}\` | ${typeOf(child)} | ${required.has(key) ? 'yes' : 'no'} | ${defaultOf(child)} | ${cell(child.description ?? '')} |`,
    );
    walk(child, childPath, rows);
  }
}

/** Object defaults are spelled out by their fields' rows. */
function defaultOf(node: JsonSchemaNode): string {
  const value = node.default;
  if (value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value))) return '';
  return `\`${JSON.stringify(value)}\``;
}

function typeOf(node: JsonSchemaNode): string {
  if (node.enum) return node.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (node.type === 'array') return `${typeOf(node.items ?? {})}[]`;
  if (node.pattern?.includes('ms|s|m|h|d')) return 'duration';
  return Array.isArray(node.type) ? node.type.join(' \\| ') : (node.type ?? 'any');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The published reference page (`schema/courier-config.md`): heading, editor hint and the generated table. */
export function configReferenceDocument(): string {
  return [
    '# `.github/courier.yml` reference',
    '',
    '<!-- Generated from src/core/config/courier-config-schema.ts by `node --import tsx scripts/gen-schema.ts`; do not edit. -->',
    '',
    'Editors can validate the file with [`courier-config.schema.json`](courier-config.schema.json), for example with a first',
    'line `# yaml-language-server: $schema=<URL of that file>`. Unknown keys are errors, and every problem is reported with its path.',
    '',
    configReferenceMarkdown(),
  ].join('\n');
}
