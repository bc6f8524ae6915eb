import { resolveOutput } from '../../domain/curation.js';
import { QueryCancelledError, QueryTimeoutError, StateError, TransientError } from '../../domain/errors.js';
import type { RunState } from '../../domain/run.js';
import type { QueryStatus } from '../../ports/query-engine.js';
import type { EngineDeps } from '../engine-deps.js';
import { pollDelayMs } from '../poll-delays.js';
import { scanLimitWhileRunning } from '../scan-guard.js';
import type { Step, StepResult } from './step.js';

const ENDED: ReadonlySet<QueryStatus['state']> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

/**
 * Polls the query once. A query still running is answered with "poll again
 * after N ms" (bounded backoff from the poll policy, never past the
 * deadline) instead of a sleep, so a runner that lives for one step (a
 * Lambda task) does the waiting outside. An engine in this process may wait
 * for the end within the step, for at most that delay, so a finished query
 * is noticed at once. Past `timeoutSeconds` the query is stopped and the run
 * ends `timed_out`; an engine-side cancel ends it `cancelled`, and so does
 * `signal` (the query is told to stop and ends CANCELLED). A query the
 * engine no longer knows (its process restarted) is started again.
 */
export const awaitQuery: Step = async (deps, run, signal) => {
  const { definition, queryExecutionId, queryStartedAt } = run.context;
  if (!definition || !queryExecutionId) throw new StateError(`run ${run.executionName} reached awaitQuery without a query`);
  const timeoutMs = resolveOutput(definition).timeoutSeconds * 1000;
  const deadline = Date.parse(queryStartedAt ?? deps.clock.now().toISOString()) + timeoutMs;
  const stop = () => void deps.queries.cancel(queryExecutionId).catch(() => undefined);
  if (signal?.aborted) stop();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    let status = await deps.queries.status(queryExecutionId);
    let waited = false;
    const delay = () => Math.max(0, Math.min(pollDelayMs(deps.settings.poll, run.context.polls ?? 0), deadline - deps.clock.now().getTime()));
    if (!ENDED.has(status.state) && deps.queries.waitForEnd && deps.clock.now().getTime() < deadline) {
      await deps.queries.waitForEnd(queryExecutionId, delay());
      status = await deps.queries.status(queryExecutionId);
      waited = true;
    }
    const overLimit = scanLimitWhileRunning(definition, status);
    if (overLimit) {
      await deps.queries.cancel(queryExecutionId);
      throw overLimit;
    }
    if (ENDED.has(status.state)) return ended(deps, run, queryExecutionId, status);
    if (deps.clock.now().getTime() >= deadline) {
      await deps.queries.cancel(queryExecutionId);
      throw new QueryTimeoutError(
        `query ${queryExecutionId} ran longer than timeoutSeconds (${timeoutMs / 1000} s) and was stopped`,
      );
    }
    const polls = (run.context.polls ?? 0) + 1;
    return { context: { ...run.context, polls }, next: 'awaitQuery', waitMs: waited ? 0 : delay() };
  } finally {
    signal?.removeEventListener('abort', stop);
  }
};

function ended(deps: EngineDeps, run: RunState, queryExecutionId: string, status: QueryStatus): StepResult {
  switch (status.state) {
    case 'SUCCEEDED': {
      const result = status.result!;
      return {
        context: {
          ...run.context,
          rawBucket: result.bucket,
          rawKey: result.key,
          queryOutputLocation: deps.objects.uri(result.bucket, result.key),
          rowCount: result.rowCount,
        },
      };
    }
    case 'CANCELLED':
      throw new QueryCancelledError(`query ${queryExecutionId} was cancelled`);
    default: {
      if (status.error instanceof TransientError) {
        // Lost with its process: forget it and start again at the next attempt.
        const restarts = (run.context.queryRestarts ?? 0) + 1;
        if (restarts >= deps.settings.retry.maxAttempts) throw status.error;
        const { queryExecutionId: _lost, polls: _polls, ...rest } = run.context;
        return { context: { ...rest, queryRestarts: restarts }, next: 'startQuery' };
      }
      throw status.error ?? new StateError(`query ${queryExecutionId} failed without an error`);
    }
  }
}
