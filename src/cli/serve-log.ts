import type { DownstreamOutcome } from '../scheduler/downstream.js';
import type { HistoryRecord } from '../domain/history.js';
import type { ClaimedRun } from '../ports/run-queue.js';
import type { SchedulerEvent } from '../scheduler/scheduler-events.js';

/** The one log line of a finished run. */
export function runEndLine(record: HistoryRecord, at: Date): string {
  const parts = [at.toISOString(), 'run', record.status, record.curationType, record.curationExecutionName, `trigger=${record.trigger}`];
  if (record.scheduledTime) parts.push(`scheduled=${record.scheduledTime}`);
  parts.push(`${record.durationMs}ms`);
  if (record.rowCount !== undefined) parts.push(`rows=${record.rowCount}`);
  if (record.error) parts.push(`error=${record.error}: ${record.errorCause?.errorMessage ?? ''}`.trimEnd());
  return parts.join(' ');
}

/** A line when a run is taken over from a worker that stopped; nothing for ordinary starts. */
export function runStartLine(claimed: ClaimedRun, at: Date): string | undefined {
  if (claimed.claims <= 1) return undefined;
  const r = claimed.run;
  return `${at.toISOString()} run resumed ${r.curationType} ${r.executionName} at step ${r.step} (worker ${claimed.previousOwner ?? 'unknown'} stopped; claim ${claimed.claims})`;
}

/** Scheduler events worth a line: skipped and missed ticks, cancel requests, errors (fired ticks show as runs). */
export function schedulerLine(e: SchedulerEvent, at: Date): string | undefined {
  const t = at.toISOString();
  switch (e.kind) {
    case 'fired':
      return e.catchUp ? `${t} tick caught up ${e.curationType} scheduled=${e.scheduledTime.toISOString()} ${e.executionName}` : undefined;
    case 'skipped':
      return `${t} tick skipped ${e.curationType} scheduled=${e.scheduledTime.toISOString()} ${e.executionName}: ${e.reason}`;
    case 'missed':
      return `${t} ticks missed ${e.curationType}: ${e.count}${e.more ? '+' : ''} not run (catchUp), latest ${e.latest.toISOString()}`;
    case 'waiting':
      return `${t} tick waiting ${e.curationType} scheduled=${e.scheduledTime.toISOString()} for ${e.upstreams.join(', ')} (until ${e.until.toISOString()})`;
    case 'cancelRequested':
      return `${t} cancel requested ${e.curationType} ${e.executionName}: ${e.reason}`;
    case 'error':
      return `${t} error${e.curationType ? ` ${e.curationType}` : ''}: ${e.message}`;
  }
}

/** One line per downstream curation after a `--downstream` run succeeded: queued, or why not. */
export function downstreamLines(record: HistoryRecord, outcomes: readonly DownstreamOutcome[], at: Date): string[] {
  const t = at.toISOString();
  return outcomes.map((o) =>
    'queued' in o
      ? `${t} downstream queued ${o.curationType} ${o.queued} (after ${record.curationType} ${record.curationExecutionName})`
      : `${t} downstream not queued ${o.curationType}: ${o.notQueued}`,
  );
}
