/** Every file under a folder as RepoFiles (repo-relative POSIX paths, sorted), for tests that plan on fixture fleets. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { RepoFile } from '../../src/core/repo-model/repo-file.ts';

export function readFolder(dir: string): RepoFile[] {
  const files: RepoFile[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push({ path: relative(dir, full).split(sep).join('/'), text: readFileSync(full, 'utf8') });
    }
  };
  walk(dir);
  return files;
}
