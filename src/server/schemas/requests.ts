import * as z from 'zod';
import { curationTypeSchema } from '../../domain/names.js';
import { RUN_STATUSES, splitStatuses } from '../../domain/history.js';
import { parseZonedInstant, ZONED_INSTANT_RULE } from '../../domain/instant.js';
import { MAX_POINT_LIMIT, TIME_AXES } from '../../domain/timeline.js';
import { PREVIEW_LIMITS } from '../../engine/output-preview/limits.js';

// Request shapes: path parameters, query strings and bodies.

/**
 * A query string that takes exactly `shape`: any other parameter is refused
 * (400, naming it), so a misspelt one never silently falls back to a default.
 *
 * @example
 * const q = strictQuery({ limit: z.string().optional() }); // ?limit=5 passes, ?limt=5 is refused
 */
export function strictQuery<S extends z.core.$ZodLooseShape>(shape: S) {
  const names = Object.keys(shape);
  const takes = names.length === 0 ? 'this operation takes none' : `this operation takes ${names.join(', ')}`;
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown query parameter (${takes})` : undefined),
  });
}

/** The query of an operation that takes no query parameters. */
export const noQuerySchema = strictQuery({});

export const curationParamSchema = z.object({
  curationType: curationTypeSchema.meta({ param: { name: 'curationType', in: 'path' }, example: 'wildrydes-rydebooking' }),
});

export const runParamSchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,80}$/, 'must be an execution name (A-Z a-z 0-9 _, at most 80)')
    .meta({ param: { name: 'name', in: 'path' }, example: '20270104100000K3QZ8A_wildrydes_rydebooking' }),
});

/** An instant as ISO-8601 with a zone (`Z`, `+01:00`) or epoch milliseconds, as query strings carry it. */
const instant = z
  .string()
  .transform((s, ctx) => {
    const ms = /^\d{1,15}$/.test(s) ? Number(s) : parseZonedInstant(s);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `${ZONED_INSTANT_RULE}, or epoch milliseconds` });
      return z.NEVER;
    }
    return ms;
  })
  .meta({ example: '2027-01-04T00:00:00Z' });

/** An instant in a JSON body: ISO-8601 with a zone, the rule `adp backfill --from/--to` follows too. */
const zonedInstant = (example: string) =>
  z
    .string()
    .refine((s) => parseZonedInstant(s) !== undefined, `${ZONED_INSTANT_RULE}, e.g. ${example}`)
    .meta({ example });

const wholeNumber = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`)
    .optional()
    .transform((n) => n ?? fallback);

export const MAX_HISTORY_PAGE = 1000;

/** Statuses as a comma-separated list (`failed,timed_out`). */
const statusList = z
  .string()
  .transform((s, ctx) => {
    const { statuses, unknown } = splitStatuses(s);
    if (unknown.length > 0) {
      ctx.addIssue({ code: 'custom', message: `unknown status ${unknown.map((u) => `'${u}'`).join(', ')}: use a comma-separated list of ${RUN_STATUSES.join(', ')}` });
      return z.NEVER;
    }
    return statuses;
  })
  .meta({ description: `Comma-separated statuses to keep (${RUN_STATUSES.join(', ')}); all when absent`, example: 'failed,timed_out' });

const nameSearch = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .meta({ description: "A piece of the curation's or the run's name (ASCII letters in either case)" });

export const historyQuerySchema = strictQuery({
  curationType: curationTypeSchema.optional(),
  status: statusList.optional(),
  q: nameSearch.optional(),
  from: instant.optional().meta({ description: 'Inclusive lower bound on the end time' }),
  to: instant.optional().meta({ description: 'Inclusive upper bound on the end time' }),
  limit: wholeNumber(1, MAX_HISTORY_PAGE, 50).meta({ description: `Page size, 1-${MAX_HISTORY_PAGE} (default 50)` }),
  cursor: z.string().max(1024).optional().meta({ description: 'nextCursor of the previous page' }),
});

export const timelineQuerySchema = strictQuery({
  from: instant.meta({ description: 'Inclusive lower bound on the start time' }),
  to: instant.optional().meta({ description: 'Inclusive upper bound on the start time (default now)' }),
  by: z.enum(TIME_AXES).optional().meta({ description: 'Where each run is placed: `started` (default) or `scheduled` (runs without a scheduled time stay at their start)' }),
  curationType: curationTypeSchema.optional(),
  status: statusList.optional(),
  q: nameSearch.optional(),
  pointLimit: wholeNumber(0, MAX_POINT_LIMIT, 2000).meta({ description: `Up to this many runs come back one by one (default 2000, at most ${MAX_POINT_LIMIT}); more come back in buckets` }),
  buckets: wholeNumber(10, 2000, 400).meta({ description: 'The most time buckets across the window when runs come back bucketed (default 400)' }),
});

export const previewQuerySchema = strictQuery({
  rows: wholeNumber(1, PREVIEW_LIMITS.maxRows, PREVIEW_LIMITS.defaultRows).meta({ description: `Rows to show, 1-${PREVIEW_LIMITS.maxRows} (default ${PREVIEW_LIMITS.defaultRows})` }),
});

export const scheduleNextQuerySchema = strictQuery({
  expression: z.string().min(1, 'required').meta({ example: 'cron(0 12 * * ? *)' }),
  timezone: z.string().optional().meta({ description: 'IANA zone for cron fields (default UTC)', example: 'Europe/London' }),
  tz: z.string().optional().meta({ description: 'The same as `timezone` (the name of the CLI flag `--tz`); give one of the two', example: 'Europe/London' }),
  from: instant.optional().meta({ description: 'Fire times strictly after this instant (default now)' }),
  count: wholeNumber(1, 1000, 5),
});

export const scriptQuerySchema = strictQuery({
  commit: z
    .string()
    .regex(/^[0-9a-f]{7,64}$/, 'must be a commit id (hex)')
    .optional()
    .meta({ description: 'Commit to read at (default: the head of the branch)' }),
});

const parametersSchema = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'parameter names must be identifiers (A-Z a-z 0-9 _)'), z.string().max(4096))
  .refine((p) => Object.keys(p).length <= 50, 'at most 50 parameters');

export const runRequestSchema = z
  .strictObject({
    parameters: parametersSchema.optional(),
    trigger: z.enum(['api', 'manual']).optional().meta({ description: 'manual for a person pressing a button (default api)' }),
  })
  .meta({ id: 'RunRequest' });

export const backfillRequestSchema = z
  .strictObject({
    from: zonedInstant('2027-01-01T00:00:00Z'),
    to: zonedInstant('2027-01-31T23:59:59Z'),
    maxRuns: z.number().int().min(1).max(10_000).optional().meta({ description: 'Refuse ranges with more fire times (default 1000)' }),
    parameters: parametersSchema.optional(),
    dryRun: z.boolean().optional().meta({ description: 'Only report what would happen; create no runs' }),
    rerun: z.boolean().optional().meta({ description: 'Run fire times again that already succeeded' }),
  })
  .meta({ id: 'BackfillRequest' });

export const tableParamSchema = z.object({
  database: z.string().meta({ param: { name: 'database', in: 'path' } }),
  table: z.string().meta({ param: { name: 'table', in: 'path' } }),
});

export const tableRequestSchema = z
  .strictObject({
    location: z.string().regex(/^[^/]+(\/.*)?$/, 'must be BUCKET or BUCKET/PREFIX'),
    format: z.enum(['json', 'csv', 'parquet']),
    hivePartitioning: z.boolean().optional(),
  })
  .meta({ id: 'TableRequest' });
