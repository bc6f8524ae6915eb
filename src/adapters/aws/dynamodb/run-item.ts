import { ValidationError } from '../../../domain/errors.js';
import type { RunState } from '../../../domain/run.js';
import type { Item } from './dynamo-db.js';
import { withoutUndefined } from './history-item.js';
import { ACTIVE_RUNS } from './table-layout.js';

// A run's item in the state table (keys.run): the RunState document in
// `run`, copies of the fields the queue filters and sorts on, the lease
// (`leaseHolder`, `leaseUntilMs`, `claims`, `previousOwner`, `slot`), the
// terminal marker (`finished`), and `rev`, bumped by every write, so a write
// prepared from a read can require that nothing changed since.

/** The marker finishRun leaves: where the run's one terminal record is. */
export interface FinishedMarker {
  readonly curationType: string;
  readonly timestamp: number;
  readonly status: string;
}

/** The attributes a create or save sets: the document and its index copies (gsi1 while queued or running). */
export function runAttributes(run: RunState): Item {
  const doc = withoutUndefined(run);
  const createdAt = instant(run.createdAt, 'createdAt');
  const active = run.status === 'queued' || run.status === 'running';
  return {
    run: doc,
    status: run.status,
    curationType: run.curationType,
    trigger: run.trigger,
    createdAt,
    scheduledTime: run.scheduledTime === undefined ? undefined : instant(run.scheduledTime, 'scheduledTime'),
    g1pk: active ? ACTIVE_RUNS : undefined,
    g1sk: active ? `${createdAt}#${run.executionName}` : undefined,
  };
}

/** The run an item holds, or undefined for a marker-only item (a record without a run). */
export function runOf(item: Item | undefined): RunState | undefined {
  return item?.run === undefined ? undefined : (item.run as RunState);
}

export function finishedOf(item: Item | undefined): FinishedMarker | undefined {
  return item?.finished as FinishedMarker | undefined;
}

/** True while the item's lease is held at `nowMs`. */
export function leaseLive(item: Item, nowMs: number): boolean {
  return typeof item.leaseUntilMs === 'number' && item.leaseUntilMs > nowMs;
}

/**
 * An instant in `Date.toISOString()` form (so index keys sort as time does).
 *
 * @throws ValidationError naming `field` when it is not ISO-8601.
 */
export function instant(value: string, field: string, subject = 'run'): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ValidationError([{ path: field, message: `must be an ISO-8601 instant (got '${value}')` }], subject);
  return new Date(ms).toISOString();
}
