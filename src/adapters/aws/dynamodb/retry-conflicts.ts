import { TransientError } from '../../../domain/errors.js';
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

/** A transaction's outcome for {@link optimistic}: true when committed, AGAIN when a condition or a concurrent transaction cancelled it. */
export async function commit(db: DynamoDb, items: readonly TxItem[]): Promise<true | typeof AGAIN> {
  return (await db.transact(items)) === undefined ? true : AGAIN;
}
