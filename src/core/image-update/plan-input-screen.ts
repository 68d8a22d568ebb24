/**
 * Which files an image plan can read or edit, said before any file is loaded, so the CLI's git adapter
 * can leave the rest of a large tree unread (issue 12: the planner's cost grows with what matches, not
 * with every file). A file the planner can use for these releases has a name Kustomize or
 * source-controller reads (`byPath`) or contains one of `tokens` — fixed strings, as `git grep -F`
 * takes them. The tokens are a superset of what the planner's own screens look for: the release
 * screen's names and marks (update-file.ts) and the repository model's Flux mark (build-repo-model.ts).
 */
import { FLUX_API_MARK, isKustomizeFileName } from '../repo-model/index.ts';
import { isSourceIgnoreFile } from '../repo-model/build-repo-model.ts';
import type { Release } from './release.ts';
import { SCREEN_MARKS, screenedName } from './update-file.ts';

/** The screen: files to read whatever they hold, and the texts that make any other file worth reading. */
export interface PlanInputScreen {
  byPath(path: string): boolean;
  tokens: string[];
}

/** The screen for planning `releases` (their names, setter markers, postBuild variables, Flux objects). */
export function imagePlanInputScreen(releases: readonly Release[]): PlanInputScreen {
  const names = releases.map((r) => screenedName(r.repository));
  return {
    byPath: (path) => isKustomizeFileName(path) || isSourceIgnoreFile(path),
    tokens: [...new Set([...names, ...SCREEN_MARKS, FLUX_API_MARK])],
  };
}

/** True when `text` passes the screen's content test (what `git grep -F` would answer, here in memory). */
export function passesScreen(screen: PlanInputScreen, path: string, text: string): boolean {
  return screen.byPath(path) || screen.tokens.some((t) => text.includes(t));
}
