import type { CurationDefinition } from './curation.js';
import type { QualityCheckResult } from './quality-checks.js';
import type { StepName } from './run.js';

export const RUN_STATUSES = ['succeeded', 'failed', 'cancelled', 'timed_out', 'skipped'] as const;
export type TerminalStatus = (typeof RUN_STATUSES)[number];

/** A comma-separated list of statuses (`failed,timed_out`): the known ones, once each, and the words that are none. */
export function splitStatuses(text: string): { statuses: TerminalStatus[]; unknown: string[] } {
  const given = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = given.filter((s) => !(RUN_STATUSES as readonly string[]).includes(s));
  return { statuses: [...new Set(given.filter((s) => !unknown.includes(s)))] as TerminalStatus[], unknown };
}

export const TRIGGERS = ['schedule', 'manual', 'backfill', 'api', 'dependency', 'retry'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export interface ErrorCause {
  readonly errorType: string;
  readonly errorMessage: string;
}

/**
 * A record's `outputDetails`, in the shape the sample's engine resolves a
 * definition's to (absent values `null`), so sample-written and adp-written
 * items read alike in the same table and in existing Kibana views.
 * `outputFilename` is the definition's `filename`; the name of the file a run
 * actually published is {@link HistoryRecord.publishedFilename}. `format` is adp's.
 */
export interface RecordOutputDetails {
  outputBucket: string;
  outputFolderPath: string | null;
  outputFilename: string | null;
  includeTimestampInFilenameBool: boolean;
  metadata: Record<string, string> | null;
  tags: Record<string, string> | null;
  format?: CurationDefinition['outputDetails']['format'];
}

/** The definition's output details as a record carries them. */
export function resolvedOutputDetails(details: CurationDefinition['outputDetails']): RecordOutputDetails {
  const resolved: RecordOutputDetails = {
    outputBucket: details.outputBucket,
    outputFolderPath: details.outputFolderPath ?? null,
    outputFilename: details.filename ?? null,
    includeTimestampInFilenameBool: details.includeTimestampInFilename ?? false,
    metadata: details.metadata ?? null,
    tags: details.tags ?? null,
  };
  if (details.format !== undefined) resolved.format = details.format;
  return resolved;
}

/**
 * One terminal record per run: the sample's `curationHistory` item (same
 * field names) plus the extensions of the second block.
 */
/** What a run published, as its record names it. */
export interface PublishedOutput {
  format: 'csv' | 'parquet' | 'json';
  compression: 'none' | 'gzip' | 'zstd' | 'snappy';
  writeMode: 'new' | 'replace';
  /** Data files published (1 unless partitioned). */
  files: number;
  partitionBy?: string[];
  /** URI of the partitioned folder's `_manifest.json`. */
  manifest?: string;
}

export interface HistoryRecord {
  curationType: string;
  /** Epoch milliseconds when the run ended; with curationType, the key. */
  timestamp: number;
  curationExecutionName: string;
  scriptFileCommitId?: string;
  glueDetails?: CurationDefinition['glueDetails'];
  outputDetails?: RecordOutputDetails;
  queryOutputLocation?: string;
  curationOutputLocation?: string;
  athenaQueryExecutionId?: string;
  metadata?: Record<string, string>;
  tags?: Record<string, string>;
  error?: string;
  errorCause?: ErrorCause;

  /** The sample's failure records: the raw result location of the run that failed. */
  curationKey?: string;

  status: TerminalStatus;
  trigger: Trigger;
  scheduledTime?: string;
  startedAt: string;
  durationMs: number;
  rowCount?: number;
  bytesWritten?: number;
  sqlSha256?: string;
  parameters?: Record<string, string>;
  attempt: number;
  engine: string;
  /** Name of the file the run published (the last segment of curationOutputLocation); unlike `outputDetails.outputFilename` it carries the stamp, the extension and any `-2` a collision added. */
  publishedFilename?: string;
  /** Every quality check's result (name, passed, observed), in the definition's order; absent without checks. */
  qualityChecks?: QualityCheckResult[];
  /** What the run published: format, compression, write mode and, for a partitioned folder, its columns, file count and manifest. */
  publishedOutput?: PublishedOutput;
  /** The step a run that did not succeed ended at: the one that failed, or the next one when it was cancelled. */
  failedStep?: StepName;
  /** The run this one retried (trigger `retry`). */
  retryOf?: string;
}
