/** Reads Courier's built-in templates from the package's `templates/` folder (the filesystem adapter of render.ts). */
import { readFileSync } from 'node:fs';

const TEMPLATES_DIR = new URL('../templates/', import.meta.url);

/** The text of a built-in template, or undefined when there is no such file. */
export function readBuiltinTemplate(name: string): string | undefined {
  try {
    return readFileSync(new URL(name, TEMPLATES_DIR), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
