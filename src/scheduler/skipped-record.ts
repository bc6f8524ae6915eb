import type { HistoryRecord } from '../domain/history.js';

/** Input of {@link skippedRecord}. */
export interface SkippedTick {
  readonly curationType: string;
  readonly executionName: string;
  readonly scheduledTime: Date;
  readonly at: Date;
  readonly reason: string;
  readonly engine: string;
  /** Why: an earlier run still active (`overlap`, the default) or upstreams that did not succeed (`dependency`). */
  readonly cause?: 'overlap' | 'dependency';
}

/**
 * The history record of a tick that did not run because an earlier run was
 * still active, or because its upstreams did not succeed: status `skipped`,
 * the reason in `errorCause`.
 */
export function skippedRecord(t: SkippedTick): HistoryRecord {
  return {
    curationType: t.curationType,
    timestamp: t.at.getTime(),
    curationExecutionName: t.executionName,
    ...(t.cause === 'dependency'
      ? { error: 'UPSTREAM_NOT_SUCCEEDED', errorCause: { errorType: 'UpstreamNotSucceeded', errorMessage: t.reason } }
      : { error: 'OVERLAP_SKIPPED', errorCause: { errorType: 'OverlapSkipped', errorMessage: t.reason } }),
    status: 'skipped',
    trigger: 'schedule',
    scheduledTime: t.scheduledTime.toISOString(),
    startedAt: t.at.toISOString(),
    durationMs: 0,
    attempt: 1,
    engine: t.engine,
  };
}
