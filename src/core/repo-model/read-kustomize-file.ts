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
  const local = (entry: unknown): string | undefined => {
    if (typeof entry !== 'string' || isRemote(entry)) return undefined;
    const resolved = posix.normalize(posix.join(dir, entry)).replace(/\/+$/, '');
    if (resolved === '..' || resolved.startsWith('../') || resolved.startsWith('/')) return undefined;
    return resolved === '.' ? '' : resolved;
  };
  const doc = value as Record<string, unknown>;
  const references: string[] = [];
  for (const key of ['resources', 'components', 'bases'] as const) {
    const list = doc[key];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const resolved = local(entry);
      if (resolved !== undefined) references.push(resolved);
    }
  }
  const inputs = inputsOf(doc).flatMap((entry) => {
    const resolved = local(entry);
    return resolved === undefined ? [] : [resolved];
  });
  return { file: file.path, references, ...(inputs.length > 0 ? { inputs } : {}) };
}

/**
 * The other local files kustomize reads (https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/):
 * patch files, generator sources (`files` entries may be `key=path`), `replacements` paths, CRDs,
 * generator/transformer configs and Helm chart values files.
 */
function inputsOf(doc: Record<string, unknown>): string[] {
  const out: string[] = [];
  const list = (key: string): unknown[] => (Array.isArray(doc[key]) ? (doc[key] as unknown[]) : []);
  const field = (entry: unknown, key: string): unknown => (typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[key] : undefined);
  for (const entry of [...list('patches'), ...list('patchesJson6902'), ...list('replacements')]) out.push(String(field(entry, 'path') ?? ''));
  for (const entry of list('patchesStrategicMerge')) if (typeof entry === 'string' && !entry.includes('\n')) out.push(entry);
  for (const key of ['crds', 'generators', 'transformers', 'validators', 'configurations']) for (const entry of list(key)) if (typeof entry === 'string') out.push(entry);
  for (const generator of [...list('configMapGenerator'), ...list('secretGenerator')]) {
    for (const key of ['files', 'envs']) {
      const files = field(generator, key);
      if (Array.isArray(files)) for (const f of files) if (typeof f === 'string') out.push(f.slice(f.indexOf('=') + 1));
    }
    const env = field(generator, 'env');
    if (typeof env === 'string') out.push(env);
  }
  for (const chart of list('helmCharts')) {
    const values = field(chart, 'valuesFile');
    if (typeof values === 'string') out.push(values);
  }
  return out.filter((entry) => entry !== '');
}
