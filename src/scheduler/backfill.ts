import type { HistoryRecord } from '../domain/history.js';
import { newRun } from '../engine/create-run.js';
import type { EngineDeps } from '../engine/engine-deps.js';
import type { RunQueue } from '../ports/run-queue.js';
import type { ScheduleStore } from '../ports/schedule-store.js';
import type { StoredCuration } from '../ports/state-store.js';
import { driveRun } from './drive-run.js';

/** One tick of a backfill range and where it stands. */
export interface BackfillTick {
  readonly scheduledTime: string;
  /** `pending`: gets a new run; `succeeded`: done before, left alone; `active`: a run from an interrupted backfill, resumed. */
  readonly status: 'pending' | 'succeeded' | 'active';
  readonly executionName?: string;
}

/** Ticks one `adp backfill` may cover at most; a longer range is refused. */
export const MAX_BACKFILL_TICKS = 10_000;

/**
 * Where each tick of the range stands: ticks that already succeeded (by any
 * trigger) are left alone unless `rerun`; runs still active from an
 * interrupted backfill are resumed rather than started twice.
 */
export async function backfillStatus(
  schedule: Pick<ScheduleStore, 'scheduledRuns'>,
  stored: StoredCuration,
  ticks: readonly Date[],
  rerun: boolean,
): Promise<BackfillTick[]> {
  if (ticks.length === 0) return [];
  const type = stored.definition.curationType;
  const known = await schedule.scheduledRuns(type, ticks[0]!.toISOString(), ticks.at(-1)!.toISOString());
  const active = new Map(known.active.filter((r) => r.trigger === 'backfill').map((r) => [r.scheduledTime!, r.executionName]));
  return ticks.map((d) => {
    const scheduledTime = d.toISOString();
    const running = active.get(scheduledTime);
    if (running) return { scheduledTime, status: 'active', executionName: running };
    if (!rerun && known.succeeded.has(scheduledTime)) return { scheduledTime, status: 'succeeded' };
    return { scheduledTime, status: 'pending' };
  });
}

/** Options of {@link runBackfill}. */
export interface BackfillOptions {
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly checkMs: number;
  readonly maxClaims: number;
  /** Parameter values of every new run (checked by the caller: see checkRunParameters); resumed runs keep their own. */
  readonly parameters?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  /** After each tick's run ended. */
  readonly onRecord?: (record: HistoryRecord, done: number, total: number) => void;
}

/**
 * Runs every pending and active tick, `concurrency` at a time, each as a
 * `backfill` run with its own `scheduledTime`. Returns the records in tick order.
 */
export async function runBackfill(
  engine: EngineDeps,
  queue: RunQueue,
  curationType: string,
  ticks: readonly BackfillTick[],
  options: BackfillOptions,
): Promise<HistoryRecord[]> {
  const todo = ticks.filter((t) => t.status !== 'succeeded');
  const records: HistoryRecord[] = new Array(todo.length);
  let next = 0;
  let done = 0;
  const settings = { queue, leaseMs: options.leaseMs, checkMs: options.checkMs, maxClaims: options.maxClaims };
  const worker = async () => {
    while (next < todo.length && !options.signal?.aborted) {
      const i = next++;
      const tick = todo[i]!;
      let name = tick.executionName;
      if (!name) {
        const run = newRun({ curationType, trigger: 'backfill', scheduledTime: new Date(tick.scheduledTime), parameters: options.parameters && { ...options.parameters } }, engine.clock.now());
        await engine.state.createRun(run);
        name = run.executionName;
      }
      records[i] = await driveRun(engine, settings, name, options.signal);
      options.onRecord?.(records[i]!, ++done, todo.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, todo.length)) }, worker));
  return records.filter((r) => r !== undefined);
}
