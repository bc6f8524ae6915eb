import { resolveOutput, type CurationDefinition } from '../../domain/curation.js';
import { QueryCancelledError, QueryTimeoutError, StateError, TransientError } from '../../domain/errors.js';
import { pollDelays } from '../poll-delays.js';
import type { RunState } from '../../domain/run.js';
import type { EngineDeps } from '../engine-deps.js';
import type { Step, StepResult } from './step.js';

/**
 * Polls until the query ends. Past `timeoutSeconds` the query is stopped and
 * the run ends `timed_out`; an engine-side cancel ends it `cancelled`, and so
 * does `signal` (the query is told to stop and ends CANCELLED). A query the
 * engine no longer knows (its process restarted) is started again.
 */
export const awaitQuery: Step = async (deps, run, signal) => {
  const { definition, queryExecutionId, queryStartedAt } = run.context;
  if (!definition || !queryExecutionId) throw new StateError(`run ${run.executionName} reached awaitQuery without a query`);
  const stop = () => void deps.queries.cancel(queryExecutionId).catch(() => undefined);
  if (signal?.aborted) stop();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    return await poll(deps, run, queryExecutionId, definition, queryStartedAt, signal);
  } finally {
    signal?.removeEventListener('abort', stop);
  }
};

async function poll(
  deps: EngineDeps,
  run: RunState,
  queryExecutionId: string,
  definition: CurationDefinition,
  queryStartedAt: string | undefined,
  signal: AbortSignal | undefined,
): Promise<StepResult> {
  const timeoutMs = resolveOutput(definition).timeoutSeconds * 1000;
  const deadline = Date.parse(queryStartedAt ?? deps.clock.now().toISOString()) + timeoutMs;
  const delays = pollDelays(deps.settings.poll);
  for (;;) {
    const status = await deps.queries.status(queryExecutionId);
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
      case 'FAILED':
        if (status.error instanceof TransientError) {
          // Lost with its process: forget it and start again at the next attempt.
          const restarts = (run.context.queryRestarts ?? 0) + 1;
          if (restarts >= deps.settings.retry.maxAttempts) throw status.error;
          const { queryExecutionId: _lost, ...rest } = run.context;
          return { context: { ...rest, queryRestarts: restarts }, next: 'startQuery' };
        }
        throw status.error ?? new StateError(`query ${queryExecutionId} failed without an error`);
      default: {
        const now = deps.clock.now().getTime();
        if (now >= deadline) {
          await deps.queries.cancel(queryExecutionId);
          throw new QueryTimeoutError(
            `query ${queryExecutionId} ran longer than timeoutSeconds (${timeoutMs / 1000} s) and was stopped`,
          );
        }
        const waitMs = Math.min(delays.next().value, deadline - now);
        if (deps.queries.waitForEnd) await deps.queries.waitForEnd(queryExecutionId, waitMs);
        // Once cancelled, keep polling at the normal pace until the engine reports the end.
        else await deps.clock.sleep(waitMs, signal?.aborted ? undefined : signal).catch(() => undefined);
      }
    }
  }
}
