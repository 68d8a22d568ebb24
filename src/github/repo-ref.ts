/** A repository: `{ owner, repo }` as in REST routes. */
export interface RepoRef {
  owner: string;
  repo: string;
}
