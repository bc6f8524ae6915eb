import { appendEvents, clipText, describeRunEvent, openStepStart, type RunLogEvent } from '../domain/run-events.js';
import type { RunContext, RunState, StepName } from '../domain/run.js';
import type { EngineDeps } from './engine-deps.js';
import type { StepResult } from './steps/step.js';

/**
 * The events one advance of a run adds to its log, gathered in memory and
 * written with the save that follows: the log costs no write of its own.
 */
export class RunLog {
  readonly #deps: EngineDeps;
  readonly #events: readonly RunLogEvent[] | undefined;
  readonly #run: Pick<RunState, 'executionName' | 'curationType'>;
  #pending: RunLogEvent[] = [];
  #stepStart?: { step: StepName; at: string; logged: boolean };

  constructor(deps: EngineDeps, run: RunState) {
    this.#deps = deps;
    this.#events = run.context.events;
    this.#run = run;
  }

  now(): string {
    return this.#deps.clock.now().toISOString();
  }

  add(event: RunLogEvent | undefined): void {
    if (event) this.#push(event);
  }

  /** Notes when `step` began: now, unless the log shows it already running (a poll or a retry of it). */
  startStep(step: StepName, attempt: number): void {
    const open = openStepStart(this.#events, step);
    const at = open ?? this.now();
    this.#stepStart = { step, at, logged: open !== undefined };
    if (open === undefined) this.#push({ kind: 'stepStarted', at, step, attempt });
  }

  succeeded(step: StepName, attempt: number, result: StepResult): RunLogEvent {
    const at = this.now();
    const c = result.context;
    const details = {
      ...(result.note ? { note: clipText(result.note) } : {}),
      ...(step === 'startQuery' && c.queryExecutionId ? { queryExecutionId: c.queryExecutionId } : {}),
      ...(step === 'awaitQuery' && c.rowCount !== undefined ? { rowCount: c.rowCount } : {}),
      ...(step === 'startQuery' && c.estimatedScanBytes !== undefined ? { bytesScanned: c.estimatedScanBytes } : {}),
      ...(step === 'publishOutput' && c.bytesWritten !== undefined ? { bytesWritten: c.bytesWritten } : {}),
    };
    return { kind: 'stepSucceeded', at, step, attempt, durationMs: this.#since(step, at), ...details };
  }

  failed(step: StepName, attempt: number, failure: NonNullable<RunContext['failure']>): RunLogEvent {
    const at = this.now();
    return {
      kind: 'stepFailed',
      at,
      step,
      attempt,
      durationMs: this.#since(step, at),
      status: failure.status,
      errorType: failure.errorCause.errorType,
      error: clipText(failure.errorCause.errorMessage),
    };
  }

  /** `context` carrying every event so far; the caller saves it. */
  context(context: RunContext): RunContext {
    if (this.#pending.length === 0) return context;
    return { ...context, events: appendEvents(context.events ?? this.#events, this.#pending) };
  }

  /** The pending events are in the store now (the context handed out carries them). */
  saved(): void {
    this.#pending = [];
  }

  #push(event: RunLogEvent): void {
    this.#pending.push(event);
    this.#deps.onEvent?.({ executionName: this.#run.executionName, curationType: this.#run.curationType, message: describeRunEvent(event), event });
  }

  #since(step: StepName, at: string): number {
    const start = this.#stepStart?.step === step ? this.#stepStart.at : openStepStart(this.#events, step);
    return start ? Math.max(0, Date.parse(at) - Date.parse(start)) : 0;
  }
}
