import { NotFoundError, StateError } from '../domain/errors.js';
import { createRun, type CreatedRun } from './create-run.js';
import type { EngineDeps } from './engine-deps.js';
import type { RunQueue } from '../ports/run-queue.js';

/**
 * Starts a new run that repeats an ended one: same curation, parameters and
 * scheduled time, trigger `retry`, its record naming the run it retries.
 * A run still going cannot be retried (StateError); the curation's overlap
 * policy applies as to any start.
 */
export async function retryRun(
  deps: Pick<EngineDeps, 'state' | 'clock'> & { readonly queue: Pick<RunQueue, 'enqueueRun'> },
  executionName: string,
): Promise<CreatedRun> {
  const [run, record] = await Promise.all([deps.state.getRun(executionName), deps.state.getHistoryRecord(executionName)]);
  if (!record) {
    if (run) throw new StateError(`run '${executionName}' has not ended (status ${run.status}): cancel it first or wait for it`);
    throw new NotFoundError('run', executionName, 'see `adp runs` or `adp history`');
  }
  return createRun(deps, {
    curationType: record.curationType,
    trigger: 'retry',
    ...(record.scheduledTime ? { scheduledTime: new Date(record.scheduledTime) } : {}),
    ...(record.parameters ? { parameters: record.parameters } : {}),
    retryOf: executionName,
  });
}
