import type { HistoryRecord } from '../domain/history.js';
import type { EngineDeps } from '../engine/engine-deps.js';
import type { RunQueue } from '../ports/run-queue.js';
import { executeLeased, type LeaseSettings } from './leased-execution.js';

/**
 * Sees one run through to its history record from outside the worker pool
 * (`adp run --wait`, backfills): executes it here when its lease can be had,
 * otherwise waits while whoever holds it finishes, taking it over if that
 * worker's lease lapses.
 */
export async function driveRun(
  engine: EngineDeps,
  settings: LeaseSettings & { readonly queue: Pick<RunQueue, 'claimRun'> },
  executionName: string,
  signal?: AbortSignal,
): Promise<HistoryRecord> {
  const { clock, workerId } = engine;
  for (;;) {
    const now = clock.now();
    const claimed = await settings.queue.claimRun(executionName, { owner: workerId, now, leaseUntil: new Date(now.getTime() + settings.leaseMs) });
    if (claimed) return executeLeased(engine, settings, claimed, signal);
    const record = await engine.state.getHistoryRecord(executionName);
    if (record) return record;
    await clock.sleep(settings.checkMs, signal);
  }
}
