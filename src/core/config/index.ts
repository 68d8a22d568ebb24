/** Courier's configuration: the strict schema of `.github/courier.yml`, its parser and its published forms. */
export { courierConfigSchema, policySchema, type CourierConfig, type EnvironmentConfig, type ImageConfig } from './courier-config-schema.ts';
export { parseCourierConfig, validateCourierConfig, formatConfigPath, type ConfigProblem, type ConfigResult } from './parse-courier-config.ts';
export { defaultConfig } from './default-config.ts';
export { courierConfigMergeOptions } from './config-merge-options.ts';
export { courierConfigJsonSchema } from './courier-config-json-schema.ts';
export { configReferenceDocument, configReferenceMarkdown } from './config-reference-markdown.ts';
export { parseDuration, InvalidDurationError, DURATION_PATTERN } from './parse-duration.ts';
export { CONFIG_PATH } from './config-path.ts';
