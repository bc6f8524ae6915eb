/** A live `adp serve` (or other worker) process, as it announces itself. */
export interface WorkerInfo {
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: string;
  /** Last time the worker said it was alive. */
  readonly heartbeatAt: string;
  /** Where its HTTP server listens, when it has one. */
  readonly url?: string;
}

/** Heartbeats, so a command can tell whether anything will execute the runs it queues. */
export interface WorkerRegistry {
  /** Inserts or refreshes the worker's row. */
  heartbeat(worker: WorkerInfo): Promise<void>;
  /** Workers whose last heartbeat is at or after `aliveSince` (ISO). */
  listWorkers(aliveSince: string): Promise<WorkerInfo[]>;
  /** Removes the worker's row (clean shutdown). */
  removeWorker(workerId: string): Promise<void>;
}
