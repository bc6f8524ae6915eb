import * as z from 'zod';
import { serverConfigSchema } from './server-config.js';
import { serverlessConfigSchema } from './serverless-config.js';
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

/** An environment prefix as the sample names its resources: `wildrydes-dev-` → `wildrydes-dev-curationDetails`. */
export const awsPrefixSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{2,18}-?$/, 'must be 3-20 characters of a-z 0-9 -, starting with a letter (e.g. "wildrydes-dev-")');

/** The aws driver: the sample's DynamoDB tables, Glue, Athena and S3 in one account and region. */
export const awsConfigSchema = z.strictObject({
  /** The sample's environment prefix; its tables are `{prefix}curationDetails` and `{prefix}curationHistory`. */
  prefix: awsPrefixSchema,
  /** The region of every service; default: the SDK's chain (`AWS_REGION`, profiles). */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as "eu-west-1"').optional(),
  /** The Athena workgroup queries run in; Athena's `primary` otherwise. */
  workGroup: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'must be an Athena workgroup name').optional(),
  /** SSE-KMS key id or ARN for the objects and query results adp writes; the bucket's default encryption otherwise. */
  kmsKeyId: z.string().min(1).max(2048).optional(),
});
export type AwsConfig = z.infer<typeof awsConfigSchema>;

const scriptsSchema = z
  .strictObject({
    /** The scripts repository, relative to the home (when neither `url` nor `codecommit` is set). */
    dir: z.string().min(1).default('scripts'),
    branch: z.string().regex(/^[A-Za-z0-9._/-]{1,200}$/, 'must be a git branch name').default('main'),
    /** A git remote over HTTPS read through a cached clone (a token, if any, from ADP_GIT_TOKEN). */
    url: z.string().regex(/^https?:\/\/\S+$/, 'must be an https:// clone URL').optional(),
    /** A CodeCommit repository name, read through the CodeCommit API. */
    codecommit: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be a CodeCommit repository name').optional(),
    /** A remote's head is fetched again when the last fetch is this old. */
    fetchEverySeconds: z.number().int().min(0).max(86_400).default(30),
  })
  .refine((s) => !(s.url && s.codecommit), { message: 'set url or codecommit, not both', path: ['url'] });

/**
 * `adp.config.json` in a project home. Every field has a default, so `{}` is
 * a valid config.
 */
export const configSchema = z.strictObject({
  /** Where state lives: `embedded` (SQLite in the home), `postgres` (one database for many workers) or `aws` (the sample's services). */
  driver: z.enum(['embedded', 'postgres', 'aws']).default('embedded'),
  postgres: postgresConfigSchema.default(postgresConfigSchema.parse({})),
  /** Required by (and only read by) the aws driver. */
  aws: awsConfigSchema.optional(),
  scripts: scriptsSchema.default(scriptsSchema.parse({})),
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
  /** The serverless deployment's run-step Lambda (ignored by `adp serve`). */
  serverless: serverlessConfigSchema.default(serverlessConfigSchema.parse({})),
  ...notificationsConfigShape,
});

export type AdpConfig = z.infer<typeof configSchema>;

/** Runs one worker process executes at once: its own cap, never above the global one. */
export function perWorker(config: Pick<AdpConfig, 'maxConcurrentRuns' | 'maxConcurrentRunsPerWorker'>): number {
  return Math.min(config.maxConcurrentRuns, config.maxConcurrentRunsPerWorker ?? config.maxConcurrentRuns);
}
