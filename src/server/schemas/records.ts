import * as z from 'zod';
import { curationSchema } from '../../domain/curation.js';
import { RUN_STATUSES, TRIGGERS, type HistoryRecord } from '../../domain/history.js';
import { QUALITY_CHECK_TYPES, QUALITY_SEVERITIES } from '../../domain/quality-checks.js';
import { STEPS } from '../../domain/run.js';
import { RUN_TIMELINE_KINDS } from '../../domain/run-events.js';
import { TIME_AXES, type TimelineCell, type TimelinePoint } from '../../domain/timeline.js';
import type { OutputPreview } from '../../engine/output-preview/preview-output.js';
import type { DependencyGraph } from '../../domain/dependency-graph.js';
import type { TableInfo } from '../../ports/catalog.js';

// Response shapes. The definition schema is the domain's own; the record
// schema restates the HistoryRecord interface in zod for the OpenAPI document,
// and the type checks below fail the build if the two drift apart.

/** The curation definition exactly as `domain/curation.ts` validates it. */
export const curationDefinitionSchema = curationSchema.meta({ id: 'CurationDefinition' });

const stringMap = z.record(z.string(), z.string());

const qualityCheckResultSchema = z
  .object({
    name: z.string(),
    type: z.enum(QUALITY_CHECK_TYPES),
    severity: z.enum(QUALITY_SEVERITIES),
    passed: z.boolean(),
    observed: z.number().optional().meta({ description: 'The measured count: rows (rowCount), rows with a null, duplicate rows, rows with another value, rows the sql check returned' }),
    expected: z.string().meta({ description: 'What passing means, e.g. "1 <= rows", "0 rows with a null"' }),
    error: z.string().optional().meta({ description: 'Why the check could not run (it counts as failed)' }),
  })
  .meta({ id: 'QualityCheckResult' });

export const stepSummarySchema = z
  .object({
    step: z.enum(STEPS),
    state: z.enum(['succeeded', 'failed', 'running', 'pending', 'notReached']),
    startedAt: z.string().optional(),
    endedAt: z.string().optional(),
    durationMs: z.number().optional(),
    attempts: z.number().int().optional(),
  })
  .meta({ id: 'StepSummary' });

export const runEventSchema = z
  .object({
    kind: z.enum(RUN_TIMELINE_KINDS),
    at: z.string().meta({ description: 'ISO-8601 UTC' }),
    step: z.enum(STEPS).optional(),
    attempt: z.number().int().optional(),
    durationMs: z.number().optional(),
    delayMs: z.number().optional().meta({ description: 'retryScheduled: the wait before the next attempt' }),
    reason: z.string().optional().meta({ description: 'retryScheduled, cancelRequested: why' }),
    note: z.string().optional(),
    status: z.enum(RUN_STATUSES).optional(),
    errorType: z.string().optional(),
    error: z.string().optional(),
    worker: z.string().optional(),
    previousWorker: z.string().optional().meta({ description: 'leaseTakenOver: the worker whose lease had lapsed' }),
    queryExecutionId: z.string().optional(),
    rowCount: z.number().optional(),
    bytesWritten: z.number().optional(),
    bytesScanned: z.number().optional().meta({ description: 'startQuery: what the engine estimated the query would scan' }),
    trigger: z.enum(TRIGGERS).optional(),
    scheduledTime: z.string().optional(),
  })
  .meta({ id: 'RunEvent', description: "One entry of a run's event log" });

export const historyRecordSchema = z
  .object({
    curationType: z.string(),
    timestamp: z.number().int().meta({ description: 'Epoch milliseconds when the run ended' }),
    curationExecutionName: z.string(),
    scriptFileCommitId: z.string().optional(),
    glueDetails: curationSchema.shape.glueDetails.optional(),
    outputDetails: z
      .object({
        outputBucket: z.string(),
        outputFolderPath: z.string().nullable(),
        outputFilename: z.string().nullable().meta({ description: "The definition's filename (null: the query execution id names the file)" }),
        includeTimestampInFilenameBool: z.boolean(),
        metadata: stringMap.nullable(),
        tags: stringMap.nullable(),
        format: curationSchema.shape.outputDetails.shape.format,
      })
      .optional()
      .meta({ description: "The definition's output details in the shape the sample's engine resolves them to" }),
    queryOutputLocation: z.string().optional(),
    curationOutputLocation: z.string().optional(),
    athenaQueryExecutionId: z.string().optional(),
    metadata: stringMap.optional(),
    tags: stringMap.optional(),
    error: z.string().optional(),
    errorCause: z.object({ errorType: z.string(), errorMessage: z.string() }).optional(),
    curationKey: z.string().optional().meta({ description: 'On failures: where the raw query result was to be' }),
    status: z.enum(RUN_STATUSES),
    trigger: z.enum(TRIGGERS),
    scheduledTime: z.string().optional(),
    startedAt: z.string(),
    durationMs: z.number(),
    rowCount: z.number().optional(),
    bytesWritten: z.number().optional(),
    sqlSha256: z.string().optional(),
    parameters: stringMap.optional(),
    attempt: z.number().int(),
    engine: z.string(),
    publishedFilename: z.string().optional().meta({
      description: 'Name of the file the run published; differs from outputFilename by the stamp, the extension and any -2 suffix a name collision added',
    }),
    publishedOutput: z
      .object({
        format: z.enum(['csv', 'parquet', 'json']),
        compression: z.enum(['none', 'gzip', 'zstd', 'snappy']),
        writeMode: z.enum(['new', 'replace']),
        files: z.number().int(),
        partitionBy: z.array(z.string()).optional(),
        manifest: z.string().optional(),
      })
      .optional()
      .meta({ description: 'What the run published; a partitioned output names its columns, file count and _manifest.json' }),
    qualityChecks: z.array(qualityCheckResultSchema).optional().meta({ description: "Every quality check's result, in the definition's order" }),
    failedStep: z.enum(STEPS).optional().meta({ description: 'The step a run that did not succeed ended at (the one that failed, or the next one when cancelled)' }),
    retryOf: z.string().optional().meta({ description: 'The run this one retried (trigger retry)' }),
  })
  .meta({ id: 'HistoryRecord', description: "One terminal record per run: the sample's curationHistory item plus extensions" });

export const runStatusSchema = z.enum(['queued', 'running', ...RUN_STATUSES]);

export const runViewSchema = z
  .object({
    curationExecutionName: z.string(),
    curationType: z.string(),
    status: runStatusSchema,
    step: z.enum(STEPS).meta({ description: 'The next step to execute; once terminal, the step it failed at (record when it succeeded)' }),
    failedStep: z.enum(STEPS).optional().meta({ description: 'The step the run failed at, or the next one when it was cancelled' }),
    steps: z.array(stepSummarySchema).meta({ description: 'Every step in order: its state, times and attempts' }),
    trigger: z.enum(TRIGGERS),
    scheduledTime: z.string().optional(),
    parameters: stringMap.optional(),
    attempt: z.number().int(),
    createdAt: z.string(),
    startedAt: z.string().optional(),
    updatedAt: z.string(),
    queryExecutionId: z.string().optional(),
    sqlFilePath: z.string().optional(),
    scriptFileCommitId: z.string().optional(),
    renderedSql: z.string().optional().meta({ description: 'The SQL the query ran: the script with its {{ … }} templates rendered (once retrieved)' }),
    sqlSha256: z.string().optional().meta({ description: 'SHA-256 of renderedSql' }),
    worker: z.string().optional(),
    record: historyRecordSchema.optional().meta({ description: 'Present once the run is terminal' }),
  })
  .meta({ id: 'Run' });
export type RunView = z.infer<typeof runViewSchema>;

export const curationSummarySchema = z
  .object({
    curationType: z.string(),
    definition: curationDefinitionSchema,
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    enabled: z.boolean(),
    timezone: z.string(),
    nextFireTime: z.string().nullable().meta({ description: 'ISO-8601 UTC; null when disabled or the schedule has ended' }),
    lastRun: historyRecordSchema.nullable(),
    recent: z.object({
      runs: z.number().int().meta({ description: 'Terminal runs looked at (the most recent, at most 50)' }),
      succeeded: z.number().int(),
      successRate: z.number().nullable().meta({ description: 'succeeded / runs, null without runs' }),
    }),
    activeRuns: z.number().int(),
  })
  .meta({ id: 'CurationSummary' });
export type CurationSummary = z.infer<typeof curationSummarySchema>;

const graphNodeSchema = z.object({
  curationType: z.string(),
  dependsOn: z.array(z.string()).readonly().meta({ description: 'Its upstreams, as the definition names them' }),
  missing: z.array(z.string()).readonly().meta({ description: 'Upstreams that are not registered curations' }),
  downstream: z.array(z.string()).readonly().meta({ description: 'Curations that name this one in their dependsOn, sorted' }),
  depth: z.number().int().meta({ description: '0 without registered upstreams, else one more than the deepest upstream' }),
});

export const dependencyGraphSchema = z
  .object({
    nodes: z.array(graphNodeSchema).readonly().meta({ description: 'Every curation, by depth, then name' }),
    edges: z
      .array(z.object({ upstream: z.string(), downstream: z.string() }))
      .readonly()
      .meta({ description: 'upstream → downstream, one per name in a dependsOn (an unregistered upstream included)' }),
    cycle: z
      .array(z.string())
      .readonly()
      .optional()
      .meta({ description: 'A cycle among the stored definitions (first name repeated at the end); puts refuse them, so only definitions stored before that check can hold one' }),
  })
  .meta({ id: 'DependencyGraph' });

export const tableInfoSchema = z
  .object({
    database: z.string(),
    name: z.string(),
    location: z.object({ bucket: z.string(), prefix: z.string() }),
    format: z.enum(['json', 'csv', 'parquet']),
    hivePartitioning: z.boolean(),
  })
  .meta({ id: 'Table' });

export const scriptSchema = z
  .object({ path: z.string(), commitId: z.string(), text: z.string() })
  .meta({ id: 'Script' });

export const fieldIssueSchema = z.object({ path: z.string(), message: z.string() });

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z.array(fieldIssueSchema).optional(),
    }),
  })
  .meta({ id: 'Error' });

// Compile-time checks: the zod restatements equal the domain types.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const recordMatches: Same<z.infer<typeof historyRecordSchema>, HistoryRecord> = true;
const tableMatches: Same<z.infer<typeof tableInfoSchema>, TableInfo> = true;
const graphMatches: Same<z.infer<typeof dependencyGraphSchema>, DependencyGraph> = true;
void recordMatches;
void tableMatches;
void graphMatches;

export const timelinePointSchema = z
  .object({
    name: z.string().meta({ description: 'The run (execution name)' }),
    curationType: z.string(),
    status: z.enum(RUN_STATUSES),
    at: z.number().int().meta({ description: 'Where the run is placed (epoch ms): its start, or its scheduled time with by=scheduled' }),
    startedAt: z.number().int().meta({ description: 'Epoch ms' }),
    durationMs: z.number().int(),
    scheduled: z.boolean().meta({ description: 'False for a run started by hand (no scheduled time)' }),
  })
  .meta({ id: 'TimelinePoint', description: 'One run, as little as the timeline draws' });

export const timelineCellSchema = z
  .object({
    minute: z.number().int().meta({ description: 'First epoch minute of the bucket (floor(at / 60000))' }),
    status: z.enum(RUN_STATUSES),
    band: z.number().int().meta({ description: 'Duration decade: 0 under 10 ms, 1 under 100 ms, … 7 from 10,000 s' }),
    count: z.number().int(),
    unscheduled: z.number().int().meta({ description: 'Of count, runs placed at their start for want of a scheduled time (by=scheduled only; 0 by start)' }),
    minDurationMs: z.number().int(),
    maxDurationMs: z.number().int(),
  })
  .meta({ id: 'TimelineCell', description: 'The runs of one bucket, status and duration band' });

export const timelineSchema = z
  .object({
    from: z.number().int(),
    to: z.number().int(),
    by: z.enum(TIME_AXES),
    total: z.number().int().meta({ description: 'Runs in the window after the filters' }),
    points: z.array(timelinePointSchema).optional().meta({ description: 'Every run, oldest first: when total ≤ pointLimit' }),
    bucketMinutes: z.number().int().optional().meta({ description: 'Width of the buckets of `cells`' }),
    cells: z.array(timelineCellSchema).optional().meta({ description: 'Runs counted per bucket, status and band: when total > pointLimit' }),
  })
  .meta({ id: 'Timeline' });

export const outputPreviewSchema = z
  .object({
    output: z
      .object({
        uri: z.string(),
        state: z.enum(['present', 'missing', 'replaced']).meta({ description: '`missing`: deleted or moved since the run published it; `replaced`: a later run published to the same name' }),
        replacedBy: z.string().optional().meta({ description: 'The run whose output is there now, when replaced' }),
        format: z.enum(['csv', 'json', 'parquet']),
        compression: z.string(),
        size: z.number().int().optional().meta({ description: 'Bytes of the file the rows come from' }),
        file: z.string().optional().meta({ description: "The data file shown, when the output is a partitioned folder" }),
        partition: z.record(z.string(), z.string()).optional().meta({ description: "That file's partition values (its rows do not repeat them)" }),
        files: z.number().int().optional().meta({ description: 'Data files in a partitioned folder' }),
      })
      .optional()
      .meta({ description: 'Absent when the run published no output' }),
    raw: z
      .object({ uri: z.string(), state: z.enum(['present', 'deleted']).meta({ description: '`deleted`: removed after publishing (deleteAthenaQueryFile)' }) })
      .optional(),
    table: z
      .object({
        columns: z.array(z.string()),
        rows: z.array(z.array(z.string().nullable())).meta({ description: 'Display text per cell, null for NULL; long cells are cut at 500 characters' }),
        truncated: z.boolean().meta({ description: 'More rows follow in the file' }),
      })
      .optional(),
    note: z.string().optional().meta({ description: 'Why there are no rows, when there are none' }),
  })
  .meta({ id: 'OutputPreview' });

// As above, for the shapes these routes return straight from the domain.
const pointMatches: Same<z.infer<typeof timelinePointSchema>, TimelinePoint> = true;
const cellMatches: Same<z.infer<typeof timelineCellSchema>, TimelineCell> = true;
const previewMatches: Same<z.infer<typeof outputPreviewSchema>, OutputPreview> = true;
void pointMatches;
void cellMatches;
void previewMatches;
