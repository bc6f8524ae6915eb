import type { HistoryRecord } from '../domain/history.js';
import type { EngineDeps } from '../engine/engine-deps.js';
import type { ClaimedRun, LeaseRequest, RunQueue } from '../ports/run-queue.js';
import type { ScheduleStore } from '../ports/schedule-store.js';
import { queueDownstream, type DownstreamOutcome } from './downstream.js';
import { executeLeased } from './leased-execution.js';

/** Options of {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** The engine; its `workerId` owns the leases. */
  readonly engine: EngineDeps;
  readonly queue: RunQueue;
  /** Runs executed at once by this pool. */
  readonly maxConcurrentRuns: number;
  /** Runs executing at once over every pool sharing the queue (see {@link LeaseRequest.maxActive}); absent: no global cap. */
  readonly maxActiveRuns?: number;
  readonly leaseMs: number;
  /** Longest pause between looks for queued runs (other processes queue runs too). */
  readonly pollMs: number;
  /** See {@link LeaseSettings.maxClaims}; default 3. */
  readonly maxClaims?: number;
  readonly onRunStart?: (claimed: ClaimedRun) => void;
  readonly onRunEnd?: (record: HistoryRecord, claimed: ClaimedRun) => void;
  readonly onError?: (message: string) => void;
  /** With it, a succeeded run started with `--downstream` queues its downstream curations (see {@link queueDownstream}). */
  readonly schedule?: Pick<ScheduleStore, 'scheduledRuns'>;
  readonly onDownstream?: (record: HistoryRecord, outcomes: readonly DownstreamOutcome[]) => void;
}

const REPAIR_EVERY_MS = 60_000;

/**
 * Executes queued runs, at most `maxConcurrentRuns` at once: claims the oldest
 * claimable run (including runs whose worker died, once their lease expired,
 * which resume from their persisted step), holds its lease while it runs, and
 * claims the next when a slot frees up or {@link notify} says runs were queued.
 */
export class WorkerPool {
  readonly #o: WorkerPoolOptions;
  readonly #running = new Map<string, Promise<void>>();
  #loop: Promise<void> | undefined;
  #wake = new AbortController();
  #stopping = false;
  #lastRepair = -Infinity;
  #completed = 0;

  constructor(options: WorkerPoolOptions) {
    this.#o = options;
  }

  /** Runs executing now, and runs this pool has finished. */
  stats(): { active: number; completed: number } {
    return { active: this.#running.size, completed: this.#completed };
  }

  /** Names of the runs executing now. */
  activeRuns(): string[] {
    return [...this.#running.keys()];
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Looks for queued runs now instead of at the next poll. */
  notify(): void {
    this.#wake.abort();
  }

  /**
   * Stops claiming and waits up to `graceMs` for the runs in flight. Returns
   * the runs still executing then: their leases lapse and another worker
   * resumes them.
   */
  async stop(graceMs: number): Promise<string[]> {
    this.#stopping = true;
    this.notify();
    await this.#loop;
    const all = Promise.all(this.#running.values());
    const timeout = new AbortController();
    await Promise.race([all, this.#o.engine.clock.sleep(graceMs, timeout.signal).catch(() => undefined)]);
    timeout.abort();
    return this.activeRuns();
  }

  async #run(): Promise<void> {
    const { engine, pollMs } = this.#o;
    while (!this.#stopping) {
      if (this.#wake.signal.aborted) this.#wake = new AbortController();
      try {
        await this.#fill();
        await this.#maintain();
      } catch (e) {
        this.#o.onError?.(`worker pool: ${(e as Error).message}`);
      }
      if (this.#stopping) break;
      await engine.clock.sleep(pollMs, this.#wake.signal).catch(() => undefined);
    }
  }

  async #fill(): Promise<void> {
    const { engine, queue, maxConcurrentRuns, leaseMs } = this.#o;
    while (!this.#stopping && this.#running.size < maxConcurrentRuns) {
      const now = engine.clock.now();
      const claimed = await queue.claimNextRun({
        owner: engine.workerId,
        now,
        leaseUntil: new Date(now.getTime() + leaseMs),
        maxActive: this.#o.maxActiveRuns,
      });
      if (!claimed) return;
      const name = claimed.run.executionName;
      this.#running.set(name, this.#execute(claimed).finally(() => {
        this.#running.delete(name);
        this.notify();
      }));
    }
  }

  async #execute(claimed: ClaimedRun): Promise<void> {
    const { engine, queue, leaseMs, pollMs } = this.#o;
    try {
      this.#o.onRunStart?.(claimed);
      const record = await executeLeased(engine, { queue, leaseMs, checkMs: pollMs, maxClaims: this.#o.maxClaims ?? 3 }, claimed);
      this.#completed++;
      this.#o.onRunEnd?.(record, claimed);
      await this.#followDownstream(claimed, record);
    } catch (e) {
      this.#o.onError?.(`run ${claimed.run.executionName} stopped: ${(e as Error).message}; another attempt follows when its lease expires`);
    }
  }

  async #followDownstream(claimed: ClaimedRun, record: HistoryRecord): Promise<void> {
    const { schedule, engine, queue } = this.#o;
    if (!schedule || !claimed.run.context.downstream) return;
    try {
      const outcomes = await queueDownstream({ state: engine.state, schedule, queue, clock: engine.clock }, claimed.run, record);
      if (outcomes.length > 0) this.#o.onDownstream?.(record, outcomes);
      if (outcomes.some((o) => 'queued' in o)) this.notify();
    } catch (e) {
      this.#o.onError?.(`run ${claimed.run.executionName}: downstream runs not queued: ${(e as Error).message}`);
    }
  }

  async #maintain(): Promise<void> {
    const now = this.#o.engine.clock.now().getTime();
    if (now - this.#lastRepair < REPAIR_EVERY_MS) return;
    this.#lastRepair = now;
    await this.#o.queue.repairFinishedRuns();
  }
}
