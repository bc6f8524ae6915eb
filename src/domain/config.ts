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

/** The postgres driver's database (`ADP_DATABASE_URL` overrides `url`). */
export const postgresConfigSchema = z.strictObject({
  /** postgres://user@host:5432/db; keep passwords out of the file (ADP_DATABASE_URL, PGPASSWORD or ~/.pgpass). */
  url: z.string().min(1).optional(),
  /** Every table lives in this schema, so several projects can share one database. */
  schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier (a-z, 0-9, _)').default('adp'),
  /** Connections per process. */
  poolMax: z.number().int().min(2).max(100).default(10),
  /** A statement running longer than this is cancelled by the server. */
  statementTimeoutSeconds: z.number().int().min(1).max(3600).default(30),
});

/**
 * `adp.config.json` in a project home. Every field has a default, so `{}` is
 * a valid config.
 */
export const configSchema = z.strictObject({
  /** Where state lives: `embedded` (SQLite in the home) or `postgres` (one database for many workers). */
  driver: z.enum(['embedded', 'postgres']).default('embedded'),
  postgres: postgresConfigSchema.default(postgresConfigSchema.parse({})),
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
  /** Runs executing at once over every `adp serve` sharing the state; more wait in the queue. */
  maxConcurrentRuns: z.number().int().min(1).max(4096).default(4),
  /** Runs one `adp serve` process executes at once (default: maxConcurrentRuns). */
  maxConcurrentRunsPerWorker: z.number().int().min(1).max(256).optional(),
  /** A run whose worker stopped renewing its lease for this long is resumed by another worker. */
  leaseSeconds: z.number().int().min(1).max(3600).default(30),
  scheduler: schedulerConfigSchema.default(schedulerConfigSchema.parse({})),
  server: serverConfigSchema.default(serverConfigSchema.parse({})),
  ...notificationsConfigShape,
});

export type AdpConfig = z.infer<typeof configSchema>;

/** Runs one worker process executes at once: its own cap, never above the global one. */
export function perWorker(config: Pick<AdpConfig, 'maxConcurrentRuns' | 'maxConcurrentRunsPerWorker'>): number {
  return Math.min(config.maxConcurrentRuns, config.maxConcurrentRunsPerWorker ?? config.maxConcurrentRuns);
}
