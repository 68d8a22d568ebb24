import { courierConfigSchema, type CourierConfig } from './courier-config-schema.ts';

/** The config used when a repository has no `.github/courier.yml`: one environment "default" holding every file. */
export function defaultConfig(): CourierConfig {
  return courierConfigSchema.parse({ environments: [{ name: 'default', paths: ['**'] }] });
}
