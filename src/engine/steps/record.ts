import { resolvedOutputDetails, type HistoryRecord } from '../../domain/history.js';
import type { RunState } from '../../domain/run.js';
import { runAlertPlanner } from '../../domain/notify/plan-run-alerts.js';
import type { Step } from './step.js';

/** The run's one terminal history record, in the sample's shape plus extensions. */
export function buildRecord(run: RunState, endedAt: Date, engine: string): HistoryRecord {
  const c = run.context;
  const def = c.definition;
  const startedAt = run.startedAt ?? run.createdAt;
  const record: HistoryRecord = {
    curationType: run.curationType,
    timestamp: endedAt.getTime(),
    curationExecutionName: run.executionName,
    scriptFileCommitId: c.scriptFileCommitId,
    glueDetails: def?.glueDetails,
    // Templated folder and filename as rendered for this run.
    outputDetails: def && resolvedOutputDetails({ ...def.outputDetails, ...c.renderedOutput }),
    queryOutputLocation: c.queryOutputLocation,
    curationOutputLocation: c.failure ? undefined : c.curationOutputLocation,
    athenaQueryExecutionId: c.queryExecutionId,
    metadata: def?.outputDetails.metadata,
    tags: def?.outputDetails.tags,
    error: c.failure?.error,
    errorCause: c.failure?.errorCause,
    // As the sample's failure records: where the raw result was to be.
    curationKey: c.failure ? c.queryOutputLocation : undefined,
    status: c.failure?.status ?? 'succeeded',
    trigger: run.trigger,
    scheduledTime: run.scheduledTime,
    startedAt,
    durationMs: Math.max(0, endedAt.getTime() - Date.parse(startedAt)),
    rowCount: c.failure ? undefined : c.rowCount,
    bytesWritten: c.failure ? undefined : c.bytesWritten,
    sqlSha256: c.sqlSha256,
    parameters: run.parameters,
    attempt: (c.retries ?? 0) + 1,
    engine,
    publishedFilename: publishedFilenameOf(run),
    qualityChecks: c.qualityChecks,
    publishedOutput: c.failure ? undefined : c.publishedOutput,
    failedStep: c.failure?.step,
    retryOf: c.retryOf,
  };
  for (const key of Object.keys(record) as (keyof HistoryRecord)[]) {
    if (record[key] === undefined) delete record[key];
  }
  return record;
}

/** The last segment of the key the run published, if it published one. */
function publishedFilenameOf(run: RunState): string | undefined {
  const key = run.context.failure ? undefined : run.context.finalKey;
  if (key === undefined || run.context.bytesWritten === undefined) return undefined;
  // A partitioned output's folder `out/name/` is named `name/`.
  const name = key.endsWith('/') ? key.slice(0, -1) : key;
  return key.slice(name.lastIndexOf('/') + 1);
}

/**
 * Writes the terminal record, and its outbox entries in the same transaction;
 * the store guarantees one record per run even if this step runs twice.
 */
export const record: Step = async (deps, run) => {
  const alerts = deps.alerts && runAlertPlanner(deps.alerts, run.context.definition);
  await deps.state.finishRun(buildRecord(run, deps.clock.now(), deps.queries.name), alerts);
  return { context: run.context };
};
