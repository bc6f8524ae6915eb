import type { RunState, StepName } from '../../domain/run.js';
import type { EngineDeps } from '../engine-deps.js';

/**
 * A step reads the run, does its one job, and returns the run's next state.
 * The runner persists that state before the next step's side effect.
 * Throwing fails the step (retried if the error is retryable). `signal`
 * aborts when someone asks to cancel the run: long steps (awaiting the
 * query) react at once; short ones finish and the runner stops after them.
 */
export type Step = (deps: EngineDeps, run: RunState, signal?: AbortSignal) => Promise<StepResult>;

export interface StepResult {
  readonly context: RunState['context'];
  /**
   * Next step; the runner's default is the one after this in STEPS. A step
   * that names itself runs again after the runner saved its context: how a
   * step persists a decision (an output name) before its side effect.
   */
  readonly next?: StepName;
  /**
   * Run `next` only after this many ms: how a poll says "not yet" without
   * sleeping, so a runner that lives one step at a time (a Lambda task) can
   * wait outside the step. 0 when the step already waited in-process.
   */
  readonly waitMs?: number;
  /** What happened, for the run's log (default: "<step> done"). */
  readonly note?: string;
}
