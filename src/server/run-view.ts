import type { HistoryRecord } from '../domain/history.js';
import type { RunState } from '../domain/run.js';
import { stepSummaries } from '../domain/run-events.js';
import type { RunView } from './schemas/records.js';

/**
 * A run as the API shows it: where it is (status, step, attempt), what it
 * ran (script path and commit, query id) and, once terminal, its history
 * record. Either source may be missing: a run recorded before it was ever
 * queued (skipped ticks) has only a record.
 */
export function toRunView(run: RunState | undefined, record: HistoryRecord | undefined): RunView | undefined {
  if (!run && !record) return undefined;
  if (!run) {
    const r = record!;
    return strip<RunView>({
      curationExecutionName: r.curationExecutionName,
      curationType: r.curationType,
      status: r.status,
      step: r.failedStep ?? 'record',
      failedStep: r.failedStep,
      steps: stepSummaries(undefined, r),
      trigger: r.trigger,
      scheduledTime: r.scheduledTime,
      parameters: r.parameters,
      attempt: r.attempt,
      createdAt: r.startedAt,
      startedAt: r.startedAt,
      updatedAt: new Date(r.timestamp).toISOString(),
      queryExecutionId: r.athenaQueryExecutionId,
      scriptFileCommitId: r.scriptFileCommitId,
      record: r,
    });
  }
  const c = run.context;
  return strip<RunView>({
    curationExecutionName: run.executionName,
    curationType: run.curationType,
    // The record is the truth once it exists, even if the run row lags behind.
    status: record?.status ?? run.status,
    step: record ? (record.failedStep ?? c.failure?.step ?? 'record') : run.step,
    failedStep: record?.failedStep ?? c.failure?.step,
    steps: stepSummaries(run, record),
    trigger: run.trigger,
    scheduledTime: run.scheduledTime,
    parameters: run.parameters,
    attempt: run.attempt,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    updatedAt: run.updatedAt,
    queryExecutionId: c.queryExecutionId ?? record?.athenaQueryExecutionId,
    sqlFilePath: c.definition?.sqlFilePath,
    scriptFileCommitId: c.scriptFileCommitId ?? record?.scriptFileCommitId,
    renderedSql: c.sql,
    sqlSha256: c.sqlSha256 ?? record?.sqlSha256,
    worker: run.leaseOwner,
    record,
  });
}

function strip<T extends object>(view: T): T {
  for (const key of Object.keys(view) as (keyof T)[]) if (view[key] === undefined) delete view[key];
  return view;
}
