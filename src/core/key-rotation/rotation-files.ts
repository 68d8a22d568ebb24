/** Shared steps of both rotation plans: opening files with a clear problem on failure, and verifying output. */
import { looksEncrypted, openSopsFile, parseSopsFile, SopsError, type AgeIdentity, type OpenedSopsFile, type ParsedSopsFile, type SopsInputFile } from '../sops/index.ts';
import { keyLocation, type KeySecretFile } from './key-secret.ts';
import type { RotationProblem } from './rotation-types.ts';

/** Opens a file with its MAC verified; a SopsError becomes a problem (file, line, reason) and undefined. */
export async function openOrReport(file: SopsInputFile, ids: readonly AgeIdentity[], problems: RotationProblem[], parsed?: ParsedSopsFile): Promise<OpenedSopsFile | undefined> {
  try {
    return await openSopsFile(file, ids, parsed ? { parsed } : {});
  } catch (e) {
    if (!(e instanceof SopsError)) throw e;
    problems.push({ file: e.file, ...(e.line ? { line: e.line } : {}), message: e.reason });
    return undefined;
  }
}

/**
 * Opens a configured key Secret and finds the entry that holds its identities; a file that does not
 * open, or lacks the entry, becomes a problem and undefined. Both rotation steps start here.
 */
export async function openKeySecret(
  s: KeySecretFile,
  ids: readonly AgeIdentity[],
  problems: RotationProblem[],
): Promise<{ f: OpenedSopsFile; loc: NonNullable<ReturnType<typeof keyLocation>> } | undefined> {
  const f = await openOrReport(s.file, ids, problems);
  if (!f) return undefined;
  const loc = keyLocation(f, s.config.key);
  if (!loc) {
    problems.push({ file: s.file.path, message: `has no stringData or data entry "${s.config.key}"; set sops.keySecrets[].key to the entry that holds the age key` });
    return undefined;
  }
  return { f, loc };
}

/** SOPS files of the repository (by their bytes, as Flux finds them), minus `except`; unparseable ones are problems. */
/** A SOPS file of the repository, as sopsFiles found it (its parse is handed on to openOrReport: parsing is the costliest step). */
export interface FoundSopsFile {
  file: SopsInputFile;
  parsed: ParsedSopsFile;
  recipients: string[];
  keyGroups: number;
  other: string[];
}

export function sopsFiles(files: readonly SopsInputFile[], except: ReadonlySet<string>, problems: RotationProblem[]): FoundSopsFile[] {
  const out: FoundSopsFile[] = [];
  for (const file of files) {
    if (except.has(file.path) || !looksEncrypted(file.text)) continue;
    try {
      const p = parseSopsFile(file);
      if (!p.metadata) continue;
      out.push({ file, parsed: p, recipients: p.metadata.age.map((a) => a.recipient.trim()), keyGroups: p.metadata.keyGroups, other: p.metadata.otherMasterKeys });
    } catch (e) {
      if (!(e instanceof SopsError)) throw e;
      if (e.code === 'unsupported' && /INI/.test(e.reason)) continue;
      problems.push({ file: e.file, ...(e.line ? { line: e.line } : {}), message: e.reason });
    }
  }
  return out;
}

/** Round-trip safety (FORMAT.md §12): the written text must open with `ids` and its MAC verify. */
export async function verifyWritten(path: string, text: string, ids: readonly AgeIdentity[], problems: RotationProblem[]): Promise<void> {
  const reopened = await openOrReport({ path, text }, ids, []);
  if (!reopened) problems.push({ file: path, message: 'the re-keyed file did not decrypt with the new key; nothing was written (please report this as a Courier bug)' });
}
