/**
 * How Probot's `context.config(file, defaults, deepMergeOptions)` should merge an organisation's
 * `.github` defaults (and `_extends` bases) with a repository's file. deepmerge concatenates arrays
 * by default, which would append the repo's environments to the org's (promotion order broken,
 * duplicate names); a list written in the repository replaces the inherited one instead.
 */
export const courierConfigMergeOptions = {
  arrayMerge: <T>(_inherited: T[], own: T[]): T[] => own,
};
