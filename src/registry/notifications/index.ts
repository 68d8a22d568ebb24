/** The registry notification providers Courier understands, by the name used in the route. */
import type { NotificationParser } from '../notification-parser.ts';
import { parse as distribution } from './distribution.ts';
import { parse as dockerhub } from './dockerhub.ts';
import { parse as harbor } from './harbor.ts';
import { parse as quay } from './quay.ts';

/** Provider names of `POST /api/courier/registry/<provider>`. */
export const PROVIDERS = ['distribution', 'gitlab', 'harbor', 'quay', 'dockerhub'] as const;
/** A provider name known to the route. */
export type RegistryProvider = (typeof PROVIDERS)[number];

/** Parser of each provider; GitLab's registry is Distribution and sends its envelope. */
export const parsers: Record<RegistryProvider, NotificationParser> = {
  distribution,
  gitlab: distribution,
  harbor,
  quay,
  dockerhub,
};

/** Narrows a route parameter to a known provider. */
export function isRegistryProvider(name: string): name is RegistryProvider {
  return (PROVIDERS as readonly string[]).includes(name);
}
