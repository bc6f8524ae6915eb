import type { CurationDefinition } from './curation.js';
import type { Trigger, ErrorCause, TerminalStatus, PublishedOutput } from './history.js';
import type { QualityCheckResult } from './quality-checks.js';
import type { RunLogEvent } from './run-events.js';

/** The workflow's steps, in order. A run's `step` is the next one to execute. */
export const STEPS = ['retrieve', 'validate', 'startQuery', 'awaitQuery', 'publishOutput', 'record'] as const;
export type StepName = (typeof STEPS)[number];

export type RunStatus = 'queued' | 'running' | TerminalStatus;

/** What the steps learn as they go; persisted before each side effect so a run can resume. */
export interface RunContext {
  definition?: CurationDefinition;
  scriptFileCommitId?: string;
  /** The SQL the query runs: the script at its commit with its `{{ … }}` templates rendered. */
  sql?: string;
  /** SHA-256 of `sql` (the rendered SQL). */
  sqlSha256?: string;
  /** `outputFolderPath` and `filename` with their templates rendered (present when the definition has them). */
  renderedOutput?: { outputFolderPath?: string; filename?: string };
  /** Bytes the engine said the query would scan before it started, where it can tell (for `maxBytesScanned`). */
  estimatedScanBytes?: number;
  queryExecutionId?: string;
  /** When the current query was started (ISO); the timeout counts from here. */
  queryStartedAt?: string;
  /** Polls of the current query that found it still running; the next poll's delay grows with it. */
  polls?: number;
  /** How many times a query lost with its process was started again. */
  queryRestarts?: number;
  queryOutputLocation?: string;
  rawBucket?: string;
  rawKey?: string;
  finalBucket?: string;
  finalKey?: string;
  curationOutputLocation?: string;
  rowCount?: number;
  bytesWritten?: number;
  /** The definition's quality checks, measured on the raw result before publishing (once per run). */
  qualityChecks?: QualityCheckResult[];
  /** Set by publishOutput: what it published (see HistoryRecord.publishedOutput). */
  publishedOutput?: PublishedOutput;
  /** Step retries so far in this run (history's `attempt` is this + 1). */
  retries?: number;
  /** `adp run --downstream`: on success, the curations downstream of this one are queued (trigger `dependency`, same scheduledTime); `root` started the chain. */
  downstream?: { readonly root: string };
  /** Set when a step fails for good (`step`: the one that failed, or was next when the run was cancelled); the record step turns it into the history record. */
  failure?: { status: Exclude<TerminalStatus, 'succeeded' | 'skipped'>; error: string; errorCause: ErrorCause; step?: StepName };
  /** `adp runs retry`: the run this one retries. */
  retryOf?: string;
  /** The run's event log (see run-events.ts), appended in the same save as the step it describes. */
  events?: RunLogEvent[];
}

/** A run as the state store keeps it while it is in flight. */
export interface RunState {
  executionName: string;
  curationType: string;
  status: RunStatus;
  step: StepName;
  trigger: Trigger;
  scheduledTime?: string;
  parameters?: Record<string, string>;
  /** 1 for the first attempt of the current step; counts retries. */
  attempt: number;
  createdAt: string;
  startedAt?: string;
  updatedAt: string;
  context: RunContext;
  /** Worker that holds the run, and until when (ISO); lets another worker resume a dead one's runs. */
  leaseOwner?: string;
  leaseUntil?: string;
}
