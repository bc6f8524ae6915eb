import type { HistoryRecord } from '../domain/history.js';
import type { RunState } from '../domain/run.js';
import type { EngineDeps } from '../engine/engine-deps.js';
import { executeRun } from '../engine/run-workflow.js';
import type { CancelOutcome, RunLauncher } from './options.js';

interface Execution {
  readonly controller: AbortController;
  readonly done: Promise<HistoryRecord | undefined>;
}

/**
 * The smallest launcher: executes each launched run at once in this process,
 * with no concurrency limit and no leases. For tests and single-user tools;
 * `adp serve` hands runs to its worker pool instead.
 */
export class BackgroundLauncher implements RunLauncher {
  readonly #deps: EngineDeps;
  readonly #onError: (error: unknown) => void;
  readonly #executions = new Map<string, Execution>();

  constructor(deps: EngineDeps, options: { onError?: (error: unknown) => void } = {}) {
    this.#deps = deps;
    this.#onError = options.onError ?? (() => undefined);
  }

  launch(run: RunState): void {
    this.#start(run.executionName);
  }

  async cancel(executionName: string): Promise<CancelOutcome> {
    const running = this.#executions.get(executionName);
    if (running) {
      running.controller.abort();
      return 'cancelling';
    }
    // A queued run nobody executes yet (queued by the CLI, say): run it already cancelled, so it gets its record.
    const run = await this.#deps.state.getRun(executionName);
    if (run?.status !== 'queued' || run.leaseOwner !== undefined) return 'not-held';
    this.#start(executionName).controller.abort();
    return 'cancelling';
  }

  /** Resolves when every run started so far has ended. */
  async idle(): Promise<void> {
    while (this.#executions.size > 0) await Promise.all([...this.#executions.values()].map((e) => e.done));
  }

  #start(executionName: string): Execution {
    const existing = this.#executions.get(executionName);
    if (existing) return existing;
    const controller = new AbortController();
    const done = executeRun(this.#deps, executionName, { signal: controller.signal })
      .catch((error: unknown) => {
        this.#onError(error);
        return undefined;
      })
      .finally(() => this.#executions.delete(executionName));
    const execution = { controller, done };
    this.#executions.set(executionName, execution);
    return execution;
  }
}
