import type { ErrorCause, HistoryRecord, TerminalStatus, Trigger } from '../history.js';
import { warningFailures, type QualityCheckResult } from '../quality-checks.js';

/**
 * What a route can subscribe to. `success`, `failure`, `recovery` and
 * `failureStreak` follow a finished run, and so does `qualityWarning` (a run
 * with a failed `warn` quality check); `longRunning`, `missedSchedule` and
 * `stale` come from the periodic alert evaluator.
 */
export const ALERT_EVENTS = ['success', 'failure', 'recovery', 'failureStreak', 'longRunning', 'missedSchedule', 'stale', 'qualityWarning'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/** A run counts as failed unless it succeeded or was skipped (skips neither break nor extend a streak). */
export function isFailureStatus(status: TerminalStatus): boolean {
  return status !== 'succeeded' && status !== 'skipped';
}

/**
 * The payload every notifier receives: facts a person needs to act, with a
 * stable `id` shared by every destination of the same event (receivers
 * de-duplicate on it; a redelivery carries the same id).
 */
export interface Notification {
  readonly id: string;
  readonly event: AlertEvent;
  readonly curationType: string;
  /** ISO time of the fact: the run's end, or the evaluation that noticed it. */
  readonly occurredAt: string;
  readonly status?: TerminalStatus;
  readonly executionName?: string;
  readonly trigger?: Trigger;
  readonly scheduledTime?: string;
  readonly startedAt?: string;
  readonly durationMs?: number;
  readonly rowCount?: number;
  readonly bytesWritten?: number;
  readonly error?: string;
  readonly errorCause?: ErrorCause;
  readonly outputLocation?: string;
  /** The run's page on the dashboard, when `publicUrl` is configured. */
  readonly runUrl?: string;
  /** Failed runs in a row, this one included (failure, failureStreak, recovery). */
  readonly consecutiveFailures?: number;
  /** When the incident this event belongs to began (ISO). */
  readonly incidentSince?: string;
  /** longRunning: the curation's expectedDurationSeconds. */
  readonly expectedDurationSeconds?: number;
  /** missedSchedule: the tick that was not started in time (ISO). */
  readonly missedTick?: string;
  /** stale: the last successful run's end (ISO), absent if it never succeeded. */
  readonly lastSuccessAt?: string;
  /** stale: the curation's freshnessSeconds. */
  readonly freshnessSeconds?: number;
  /** qualityWarning: the failed `warn` checks. */
  readonly failedChecks?: readonly QualityCheckResult[];
}

/** The dashboard page of one run; the only place that knows its URL shape. */
export function runPageUrl(publicUrl: string | undefined, executionName: string | undefined): string | undefined {
  if (!publicUrl || !executionName) return undefined;
  return `${publicUrl.replace(/\/+$/, '')}/runs/${encodeURIComponent(executionName)}`;
}

/** The facts of a finished run, as a notification of `event`. */
export function notificationFromRecord(
  id: string,
  event: AlertEvent,
  record: HistoryRecord,
  extra: { publicUrl?: string; consecutiveFailures?: number; incidentSince?: string } = {},
): Notification {
  const n: Notification = {
    id,
    event,
    curationType: record.curationType,
    occurredAt: new Date(record.timestamp).toISOString(),
    status: record.status,
    executionName: record.curationExecutionName,
    trigger: record.trigger,
    scheduledTime: record.scheduledTime,
    startedAt: record.startedAt,
    durationMs: record.durationMs,
    rowCount: record.rowCount,
    bytesWritten: record.bytesWritten,
    error: record.error,
    errorCause: record.errorCause,
    outputLocation: record.curationOutputLocation,
    runUrl: runPageUrl(extra.publicUrl, record.curationExecutionName),
    consecutiveFailures: extra.consecutiveFailures,
    incidentSince: extra.incidentSince,
    failedChecks: event === 'qualityWarning' ? warningFailures(record.qualityChecks) : undefined,
  };
  return withoutUndefined(n);
}

/** Drops undefined fields so stored payloads stay small and compare equal after a JSON round trip. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
