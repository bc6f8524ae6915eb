import type { CurationDefinition } from './curation.js';

export const RUN_STATUSES = ['succeeded', 'failed', 'cancelled', 'timed_out', 'skipped'] as const;
export type TerminalStatus = (typeof RUN_STATUSES)[number];

export const TRIGGERS = ['schedule', 'manual', 'backfill', 'api', 'dependency'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export interface ErrorCause {
  readonly errorType: string;
  readonly errorMessage: string;
}

/**
 * A record's `outputDetails`: the definition's, plus `outputFilename`, the
 * name of the file the run actually published (the last segment of
 * `curationOutputLocation`; it differs from the definition's name when
 * another run had already taken that name). Absent when nothing was published.
 */
export type RecordOutputDetails = CurationDefinition['outputDetails'] & { outputFilename?: string };

/**
 * One terminal record per run: the sample's `curationHistory` item (same
 * field names) plus the extensions of the second block.
 */
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
}
