import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Total size in bytes of the files under `dir` (symlinks counted, never followed); 0 if it is gone. */
export async function diskUsage(dir: string): Promise<number> {
  let total = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const full = path.join(dir, name);
    const st = await lstat(full).catch(() => undefined);
    if (!st) continue;
    total += st.isDirectory() ? await diskUsage(full) : st.size;
  }
  return total;
}
