import { z } from 'zod';
import { courierConfigSchema } from './courier-config-schema.ts';

/** The JSON Schema (draft 2020-12) of `.github/courier.yml`, as users write it (fields with defaults are optional). */
export function courierConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(courierConfigSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, title: 'Courier configuration' };
}
