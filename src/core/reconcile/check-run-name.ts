/** Check-run names `courier/<environment>/<cluster>`: one run name per cluster, parsed back by the gates. */

/** Formats the check-run name of a cluster in an environment. */
export function formatCheckRunName(environment: string, cluster: string): string {
  return `courier/${environment}/${cluster}`;
}

/** Parses a check-run name made by formatCheckRunName, or undefined for any other name. */
export function parseCheckRunName(name: string): { environment: string; cluster: string } | undefined {
  const m = /^courier\/([^/]+)\/([^/]+)$/.exec(name);
  return m ? { environment: m[1]!, cluster: m[2]! } : undefined;
}
