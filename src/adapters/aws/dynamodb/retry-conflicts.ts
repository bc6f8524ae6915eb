import { StateError, TransientError } from '../../../domain/errors.js';
import type { DynamoDb, TxItem } from './dynamo-db.js';
import { pause } from './dynamo-db.js';
import type { TableNames } from './table-layout.js';

/** What the store's item modules share: the client wrapper and the table names. */
export interface Tables {
  readonly db: DynamoDb;
  readonly names: TableNames;
}

/** Returned by an attempt whose reads went stale before its conditional write: read again and retry. */
export const AGAIN = Symbol('again');

/** Optimistic rounds before giving up; each lost round means another writer committed, so the store as a whole moved on. */
const MAX_ROUNDS = 100;

/**
 * Runs read-then-conditional-write attempts until one commits or decides
 * (anything but {@link AGAIN}), pausing a little longer after each lost round
 * so colliding writers spread out.
 *
 * @throws TransientError when every round lost (sustained contention): the call may be retried.
 */
export async function optimistic<T>(what: string, attempt: (round: number) => Promise<T | typeof AGAIN>): Promise<T> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (round > 0) await pause(round);
    const result = await attempt(round);
    if (result !== AGAIN) return result;
  }
  throw new TransientError(`${what} kept colliding with other writers (${MAX_ROUNDS} tries); retry`);
}

/** Cancellation reasons that mean "someone else wrote first": read again and retry. */
const LOST = new Set(['None', 'ConditionalCheckFailed', 'TransactionConflict']);
const THROTTLED = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

/**
 * A transaction's outcome for {@link optimistic}: true when committed, AGAIN
 * when a condition or a concurrent transaction cancelled it.
 *
 * @throws TransientError when DynamoDB throttled it; StateError for any other reason (an item over 400 KB, a bad request).
 */
export async function commit(db: DynamoDb, items: readonly TxItem[]): Promise<true | typeof AGAIN> {
  const codes = await db.transact(items);
  if (codes === undefined) return true;
  lostRace(codes, items.length);
  return AGAIN;
}

/**
 * Returns when a cancelled transaction only lost a race (its codes are all
 * conditions or conflicts).
 *
 * @throws TransientError when DynamoDB throttled it; StateError for any other reason.
 */
export function lostRace(codes: readonly string[], writes: number): void {
  if (codes.every((c) => LOST.has(c))) return;
  if (codes.some((c) => THROTTLED.has(c))) throw new TransientError(`DynamoDB throttled a transaction (${codes.join(', ')}); retry`);
  throw new StateError(`DynamoDB refused a transaction of ${writes} writes (reasons: ${codes.join(', ')}); an item may exceed 400 KB`);
}
