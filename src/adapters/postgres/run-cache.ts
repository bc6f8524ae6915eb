import type { HistoryRecord } from '../../domain/history.js';
import type { RunState } from '../../domain/run.js';
import { runFromRow, runValues, type RunRow } from './run-row.js';

/**
 * A lease with less time left than this is not trusted to keep other workers
 * away (their clocks may run ahead of ours): its run is read from the database.
 */
export const TRUSTED_LEASE_MS = 2_000;
/** Terminal records kept for the read that follows a finish; they never change once written. */
const KEPT_RECORDS = 1_000;
/** Above this many entries, expired leases are swept on the next claim. */
const SWEEP_ABOVE = 1_000;

/**
 * What this process knows without asking the database, so a worker's run
 * costs fewer round trips: the runs it holds a live lease on, as it last
 * wrote them, and the terminal records it wrote or read.
 *
 * Only the holder of a live lease writes a run's row (the engine saves a run
 * only while executing it, and another worker can claim it only once the
 * lease has lapsed), so while this process holds one with more than
 * {@link TRUSTED_LEASE_MS} left, the row is what it last wrote. A lease it
 * loses track of (a failed save, a renewal that did not come back) is
 * forgotten, and the next read goes to the database. Terminal records are
 * immutable: the first writer wins and nobody updates them.
 */
export class RunCache {
  readonly #leases = new Map<string, number>();
  readonly #runs = new Map<string, RunState>();
  readonly #records = new Map<string, HistoryRecord>();

  /** A claim won at `nowMs`: the lease until `untilMs` and the run as the claim read it. */
  claimed(run: RunState, untilMs: number, nowMs: number): void {
    if (this.#leases.size > SWEEP_ABOVE) this.#sweep(nowMs);
    this.#leases.set(run.executionName, untilMs);
    this.#runs.set(run.executionName, run);
  }

  /** Leases renewed until `untilMs` (`held`), and those the renewal did not return (lost). */
  renewed(asked: readonly string[], held: readonly string[], untilMs: number): void {
    const kept = new Set(held);
    for (const name of asked) {
      if (kept.has(name)) {
        if (this.#leases.has(name)) this.#leases.set(name, untilMs);
      } else this.forget(name);
    }
  }

  /** The run's lease released, lost or in doubt: its next read goes to the database. */
  forget(executionName: string): void {
    this.#leases.delete(executionName);
    this.#runs.delete(executionName);
  }

  /** About to write the run: until the write is known to have landed, nothing is known. */
  saving(executionName: string): void {
    this.#runs.delete(executionName);
  }

  /** The run was written as `run`; kept only while this process holds its lease. */
  saved(run: RunState): void {
    if (this.#leases.has(run.executionName)) this.#runs.set(run.executionName, stored(run));
  }

  /** The run as last written, if its lease is trusted at `nowMs`; a copy the caller may change. */
  run(executionName: string, nowMs: number): RunState | undefined {
    const until = this.#leases.get(executionName);
    if (until === undefined || until - nowMs < TRUSTED_LEASE_MS) return undefined;
    const run = this.#runs.get(executionName);
    return run && structuredClone(run);
  }

  /** The run's terminal record is stored (its row's status changed with it). */
  finished(record: HistoryRecord): void {
    this.#runs.delete(record.curationExecutionName);
    if (this.#records.size >= KEPT_RECORDS) this.#records.delete(this.#records.keys().next().value!);
    this.#records.set(record.curationExecutionName, structuredClone(record));
  }

  /** The run's terminal record, if this process wrote or read it; a copy. */
  record(executionName: string): HistoryRecord | undefined {
    const record = this.#records.get(executionName);
    return record && structuredClone(record);
  }

  #sweep(nowMs: number): void {
    for (const [name, until] of this.#leases) if (until <= nowMs) this.forget(name);
  }
}

/** The run as the database returns it after a save: instants normalised, absent fields left out, context through JSON. */
function stored(run: RunState): RunState {
  const v = runValues(run);
  const at = (value: unknown) => (value === null ? null : new Date(value as string));
  const row: RunRow = {
    execution_name: v[0] as string,
    curation_type: v[1] as string,
    status: v[2] as string,
    step: v[3] as string,
    trigger: v[4] as string,
    scheduled_time: at(v[5]),
    attempt: v[6] as number,
    created_at: at(v[7])!,
    started_at: at(v[8]),
    updated_at: at(v[9])!,
    lease_owner: v[10] as string | null,
    lease_until: at(v[11]),
    parameters: v[12] === null ? null : (JSON.parse(v[12] as string) as Record<string, string>),
    context: JSON.parse(v[13] as string) as RunRow['context'],
  };
  return runFromRow(row);
}
