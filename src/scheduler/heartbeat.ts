import type { Clock } from '../ports/clock.js';
import type { WorkerInfo, WorkerRegistry } from '../ports/worker-registry.js';

/** How often a worker heartbeats, given its lease length: thrice per lease, at most every 10 s. */
export function heartbeatEveryMs(leaseMs: number): number {
  return Math.max(50, Math.min(10_000, Math.floor(leaseMs / 3)));
}

/**
 * Workers that heartbeated within the last lease (or three heartbeats, if
 * longer): the processes that will execute queued runs.
 */
export async function liveWorkers(registry: Pick<WorkerRegistry, 'listWorkers'>, clock: Clock, leaseMs: number): Promise<WorkerInfo[]> {
  const window = Math.max(leaseMs, 3 * heartbeatEveryMs(leaseMs));
  return registry.listWorkers(new Date(clock.now().getTime() - window).toISOString());
}

/** Announces a worker until stopped; the row is removed on a clean stop. */
export class Heartbeat {
  readonly #registry: WorkerRegistry;
  readonly #clock: Clock;
  readonly #everyMs: number;
  #info: Omit<WorkerInfo, 'heartbeatAt'>;
  #loop: Promise<void> | undefined;
  readonly #stop = new AbortController();

  constructor(registry: WorkerRegistry, clock: Clock, info: Omit<WorkerInfo, 'heartbeatAt'>, everyMs: number) {
    this.#registry = registry;
    this.#clock = clock;
    this.#info = info;
    this.#everyMs = everyMs;
  }

  /** Beats once now (so the worker is visible at once), then in the background. */
  async start(): Promise<void> {
    await this.beat();
    this.#loop ??= this.#run();
  }

  /** Sets where the worker's HTTP server listens and says so at once. */
  async setUrl(url: string): Promise<void> {
    this.#info = { ...this.#info, url };
    await this.beat();
  }

  async beat(): Promise<void> {
    await this.#registry.heartbeat({ ...this.#info, heartbeatAt: this.#clock.now().toISOString() });
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    await this.#registry.removeWorker(this.#info.workerId);
  }

  async #run(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      await this.#clock.sleep(this.#everyMs, this.#stop.signal).catch(() => undefined);
      if (this.#stop.signal.aborted) break;
      await this.beat().catch(() => undefined);
    }
  }
}
