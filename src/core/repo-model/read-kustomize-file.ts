/**
 * Kustomize's own `kustomization.yaml` (kustomize.config.k8s.io): only the local paths it pulls in
 * (`resources`, `components`, legacy `bases`), which is how `base/` folders are shared by overlays.
 */
import { posix } from 'node:path';
import { parse } from 'yaml';
import type { RepoFile } from './repo-file.ts';
import type { Warning } from '../proposal/change.ts';
import type { KustomizeFile } from './flux-objects.ts';

const KUSTOMIZE_FILE = /(?:^|\/)(?:kustomization\.ya?ml|Kustomization)$/;

/** True for a path kustomize reads as a kustomization (`kustomization.yaml`, `kustomization.yml`, `Kustomization`). */
export function isKustomizeFileName(path: string): boolean {
  return KUSTOMIZE_FILE.test(path);
}

/** Remote resources (git URLs, `github.com/…?ref=`) are not part of this repository. */
function isRemote(entry: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^(?:github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) || entry.includes('?ref=') || entry.startsWith('git@');
}

/** Reads the local references of a kustomization file; a parse failure becomes a warning. */
export function readKustomizeFile(file: RepoFile, warnings: Warning[]): KustomizeFile | undefined {
  let value: unknown;
  try {
    value = parse(file.text, { prettyErrors: false, logLevel: 'error' });
  } catch (err) {
    const line = (err as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line ?? 1;
    warnings.push({ code: 'yaml-parse-error', file: file.path, line, message: `${file.path}:${line}: not valid YAML, skipped: ${(err as Error).message.split('\n')[0]}` });
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const dir = posix.dirname(file.path) === '.' ? '' : posix.dirname(file.path);
  const references: string[] = [];
  for (const key of ['resources', 'components', 'bases'] as const) {
    const list = (value as Record<string, unknown>)[key];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (typeof entry !== 'string' || isRemote(entry)) continue;
      const resolved = posix.normalize(posix.join(dir, entry)).replace(/\/+$/, '');
      if (resolved === '..' || resolved.startsWith('../') || resolved.startsWith('/')) continue;
      references.push(resolved === '.' ? '' : resolved);
    }
  }
  return { file: file.path, references };
}
