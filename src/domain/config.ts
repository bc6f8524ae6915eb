import { z } from 'zod';
import { pollPolicySchema, retryPolicySchema } from './settings.js';

/**
 * `adp.config.json` in a project home. Every field has a default, so `{}` is
 * a valid config.
 */
export const configSchema = z.strictObject({
  driver: z.literal('embedded').default('embedded'),
  scripts: z
    .strictObject({
      /** The scripts repository, relative to the home. */
      dir: z.string().min(1).default('scripts'),
      branch: z.string().regex(/^[A-Za-z0-9._/-]{1,200}$/, 'must be a git branch name').default('main'),
    })
    .default({ dir: 'scripts', branch: 'main' }),
  retry: retryPolicySchema.default(retryPolicySchema.parse({})),
  poll: pollPolicySchema.default(pollPolicySchema.parse({})),
  duckdb: z
    .strictObject({
      memoryLimit: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'must be like "2GB"').default('2GB'),
      threads: z.number().int().min(1).max(256).optional(),
    })
    .default({ memoryLimit: '2GB' }),
});

export type AdpConfig = z.infer<typeof configSchema>;
