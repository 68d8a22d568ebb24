/**
 * Flux's SOPS key Secret (FORMAT.md §11–12): a SOPS-encrypted Secret manifest whose `stringData`
 * (or base64 `data`) entry holds age identities, one per line. Rotation appends the new key after a
 * marker line, so `--finish` knows which key is new and that step 1 was merged.
 */
import picomatch from 'picomatch';
import { parseAgeIdentities, type AgeIdentity } from '../sops/age-keys.ts';
import type { OpenedSopsFile } from '../sops/open-sops-file.ts';
import type { SopsInputFile } from '../sops/parse-sops-file.ts';
import type { KeySecretConfig, RotationProblem } from './rotation-types.ts';

/** Marks where the new identity starts in a key Secret during the overlap between the two steps. */
export const NEW_KEY_MARKER = '# courier rotate-keys: new key below; the keys above are removed by the second step';

export interface KeySecretFile {
  config: KeySecretConfig;
  file: SopsInputFile;
}

/** Files matched by the configured globs; a glob matching nothing is a problem (it may be a typo). */
export function matchKeySecrets(files: readonly SopsInputFile[], configs: readonly KeySecretConfig[], problems: RotationProblem[]): KeySecretFile[] {
  const out: KeySecretFile[] = [];
  for (const config of configs) {
    const match = picomatch(config.path, { dot: true });
    const found = files.filter((f) => match(f.path));
    if (found.length === 0) problems.push({ glob: config.path, message: `sops.keySecrets path "${config.path}" matches no file; fix the glob in .github/courier.yml` });
    for (const file of found) if (!out.some((o) => o.file.path === file.path)) out.push({ config, file });
  }
  return out;
}

/** Where the identity text sits in the Secret: `stringData.<key>` or `data.<key>` (base64). */
export function keyLocation(f: OpenedSopsFile, key: string): { path: string; base64: boolean; text: string } | undefined {
  for (const branch of f.store.branches) {
    for (const top of branch.items) {
      if (top.kind !== 'entry' || (top.key !== 'stringData' && top.key !== 'data') || top.value.kind !== 'map') continue;
      for (const item of top.value.items) {
        if (item.kind !== 'entry' || item.key !== key || item.value.kind !== 'leaf') continue;
        const v = f.values.get(item.value.ref) ?? item.value.value;
        if (!v || v.type !== 'str') continue;
        const raw = typeof v.value === 'string' ? v.value : Buffer.from(v.value).toString('utf8');
        const base64 = top.key === 'data';
        return { path: `${top.key}/${key}`, base64, text: base64 ? Buffer.from(raw, 'base64').toString('utf8') : raw };
      }
    }
  }
  return undefined;
}

/** The identities in a key Secret's text, split at the marker into the current and the new ones. */
export async function secretIdentities(text: string, source: string): Promise<{ current: AgeIdentity[]; added: AgeIdentity[]; addedText: string }> {
  const at = text.indexOf(NEW_KEY_MARKER);
  if (at < 0) return { current: await parseAgeIdentities(text, source), added: [], addedText: '' };
  const addedText = text.slice(at + NEW_KEY_MARKER.length).replace(/^\n/, '');
  return { current: await parseAgeIdentities(text.slice(0, at), source), added: await parseAgeIdentities(addedText, source), addedText };
}

/** age-keygen's file layout; identity text must end in clean `\n` lines (FORMAT.md §12). */
export function identityText(id: AgeIdentity, created: Date): string {
  return `# created: ${created.toISOString().replace(/\.\d{3}Z$/, 'Z')}\n# public key: ${id.recipient}\n${id.identity}\n`;
}

export const encodeKeyValue = (text: string, base64: boolean) => (base64 ? Buffer.from(text, 'utf8').toString('base64') : text);
