import { z } from 'zod';
import { serverConfigSchema } from './server-config.js';
import { pollPolicySchema, retryPolicySchema } from './settings.js';
import { notificationsConfigShape } from './notify/notifications-config.js';

/** How `adp serve` schedules: timing knobs that rarely need changing. */
export const schedulerConfigSchema = z.strictObject({
  /** Longest pause between looks for definition changes and queued runs. */
  pollMs: z.number().int().min(10).max(60_000).default(500),
  /** A tick found later than this (process start, a long pause) counts as missed and follows `catchUp`. */
  misfireGraceMs: z.number().int().min(0).max(3_600_000).default(5_000),
  /** After SIGTERM, how long running runs may take to finish before the process exits anyway. */
  shutdownGraceSeconds: z.number().int().min(0).max(3600).default(30),
});
export type SchedulerConfig = z.infer<typeof schedulerConfigSchema>;

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
  /** Runs `adp serve` executes at once (each process); more wait in the queue. */
  maxConcurrentRuns: z.number().int().min(1).max(256).default(4),
  /** A run whose worker stopped renewing its lease for this long is resumed by another worker. */
  leaseSeconds: z.number().int().min(1).max(3600).default(30),
  scheduler: schedulerConfigSchema.default(schedulerConfigSchema.parse({})),
  server: serverConfigSchema.default(serverConfigSchema.parse({})),
  ...notificationsConfigShape,
});

export type AdpConfig = z.infer<typeof configSchema>;
