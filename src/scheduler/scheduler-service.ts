import type { HistoryRecord } from '../domain/history.js';
import type { EngineDeps } from '../engine/engine-deps.js';
import type { ClaimedRun, RunQueue } from '../ports/run-queue.js';
import type { ScheduleStore } from '../ports/schedule-store.js';
import type { StateStore } from '../ports/state-store.js';
import type { WakeSignal } from '../ports/wake-signal.js';
import type { WorkerRegistry } from '../ports/worker-registry.js';
import { Heartbeat, heartbeatEveryMs } from './heartbeat.js';
import type { SchedulerEvent } from './scheduler-events.js';
import { Scheduler } from './scheduler.js';
import type { DownstreamOutcome } from './downstream.js';
import { WorkerPool } from './worker-pool.js';

/** Options of {@link SchedulerService}. */
export interface SchedulerServiceOptions {
  /** The engine the workers run; its `workerId` names this process everywhere. */
  readonly engine: EngineDeps;
  readonly state: StateStore;
  /** The scheduler's ports (SQLite: `SqliteStateStore#scheduling`). */
  readonly store: ScheduleStore & RunQueue & WorkerRegistry;
  /** Runs this process executes at once. */
  readonly maxConcurrentRuns: number;
  /** Runs executing at once over every worker sharing the store; absent: no global cap. */
  readonly maxActiveRuns?: number;
  /** Wakes the scheduler and the pool when other processes change definitions or queue runs. */
  readonly wake?: WakeSignal;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly misfireGraceMs: number;
  /** How this process describes itself in the worker registry. */
  readonly worker: { readonly host: string; readonly pid: number };
  /** False: only execute queued runs, fire no ticks. Default true. */
  readonly schedule?: boolean;
  readonly onSchedulerEvent?: (event: SchedulerEvent) => void;
  readonly onRunStart?: (claimed: ClaimedRun) => void;
  readonly onRunEnd?: (record: HistoryRecord, claimed: ClaimedRun) => void;
  readonly onError?: (message: string) => void;
  /** Downstream runs queued (or not) after a `--downstream` run succeeded. */
  readonly onDownstream?: (record: HistoryRecord, outcomes: readonly DownstreamOutcome[]) => void;
}

/**
 * What `adp serve` runs besides HTTP: the scheduler (ticks → queued runs), the
 * worker pool (queued runs → history records) and the heartbeat (so
 * `adp run` can tell that someone will execute what it queues).
 *
 * @example
 * const service = new SchedulerService({ engine, state, store: state.scheduling, maxConcurrentRuns: 4, leaseMs: 30_000, pollMs: 500, misfireGraceMs: 5_000, worker: { host, pid } });
 * await service.start();
 * process.once('SIGTERM', async () => { await service.stop(30_000); process.exit(0); });
 */
export class SchedulerService {
  readonly scheduler: Scheduler;
  readonly pool: WorkerPool;
  readonly heartbeat: Heartbeat;
  readonly #schedule: boolean;
  readonly #wake: WakeSignal | undefined;
  #unsubscribe: (() => Promise<void>) | undefined;

  constructor(o: SchedulerServiceOptions) {
    const { engine } = o;
    this.#schedule = o.schedule ?? true;
    this.#wake = o.wake;
    this.pool = new WorkerPool({
      engine,
      queue: o.store,
      maxConcurrentRuns: o.maxConcurrentRuns,
      maxActiveRuns: o.maxActiveRuns,
      leaseMs: o.leaseMs,
      pollMs: o.pollMs,
      onRunStart: o.onRunStart,
      onRunEnd: o.onRunEnd,
      onError: o.onError,
      schedule: o.store,
      onDownstream: o.onDownstream,
    });
    this.scheduler = new Scheduler({
      state: o.state,
      schedule: o.store,
      queue: o.store,
      clock: engine.clock,
      workerId: engine.workerId,
      engineName: engine.queries.name,
      alerts: engine.alerts,
      misfireGraceMs: o.misfireGraceMs,
      pollMs: o.pollMs,
      onEvent: o.onSchedulerEvent,
      onRunsQueued: () => this.pool.notify(),
    });
    this.heartbeat = new Heartbeat(
      o.store,
      engine.clock,
      { workerId: engine.workerId, host: o.worker.host, pid: o.worker.pid, startedAt: engine.clock.now().toISOString() },
      heartbeatEveryMs(o.leaseMs),
    );
  }

  async start(): Promise<void> {
    await this.heartbeat.start();
    if (this.#schedule) this.scheduler.start();
    this.pool.start();
    // Polling stays the fallback: a wake signal only shortens the wait.
    this.#unsubscribe = await this.#wake?.subscribe((topic) => (topic === 'runs' ? this.pool.notify() : this.scheduler.notify()));
  }

  /**
   * Stops firing ticks and claiming runs, then waits up to `graceMs` for runs
   * in flight. Returns the names of runs still executing after the grace
   * period (another worker resumes them once their leases lapse).
   */
  async stop(graceMs: number): Promise<string[]> {
    await this.#unsubscribe?.().catch(() => undefined);
    this.#unsubscribe = undefined;
    await this.scheduler.stop();
    const unfinished = await this.pool.stop(graceMs);
    await this.heartbeat.stop().catch(() => undefined);
    return unfinished;
  }
}
