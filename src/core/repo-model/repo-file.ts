/** A repository file as the engine sees it: POSIX path relative to the repo root, and its text. */
export interface RepoFile {
  path: string;
  text: string;
}
