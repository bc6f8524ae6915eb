import { createHash } from 'node:crypto';
import type pg from 'pg';
import { isConflict, isConnectionError, toAdapterError, wasNotApplied } from './pg-errors.js';

/** What the table modules need: parameterised statements ($1, $2, ...) on some connection. */
export interface Sql {
  /** Every row of the result. */
  rows<R>(text: string, values?: readonly unknown[]): Promise<R[]>;
  /** The first row, or undefined. */
  one<R>(text: string, values?: readonly unknown[]): Promise<R | undefined>;
  /** How many rows the statement inserted, updated or deleted. */
  run(text: string, values?: readonly unknown[]): Promise<number>;
  /**
   * Several statements in one round trip, as one implicit transaction (all or
   * nothing), each with its own snapshot; the rows of the last. No parameters:
   * values must be inlined as literals (`pg.escapeLiteral`).
   */
  script<R>(text: string): Promise<R[]>;
}

/** Attempts of a transaction that keeps hitting deadlocks or serialization failures. */
const CONFLICT_ATTEMPTS = 5;

/** Statement names by text: each connection parses and plans a statement once, then only binds and executes it. */
const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `adp_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/** One statement on one checked-out client; statements with parameters are prepared once per connection. */
class ClientSql implements Sql {
  readonly #client: pg.PoolClient;

  constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  async rows<R>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    return (await this.#query(text, values)).rows as R[];
  }

  async one<R>(text: string, values: readonly unknown[] = []): Promise<R | undefined> {
    return (await this.rows<R>(text, values))[0];
  }

  async run(text: string, values: readonly unknown[] = []): Promise<number> {
    return (await this.#query(text, values)).rowCount ?? 0;
  }

  async script<R>(text: string): Promise<R[]> {
    const results = (await this.#client.query(text)) as pg.QueryResult | pg.QueryResult[];
    return (Array.isArray(results) ? results.at(-1)!.rows : results.rows) as R[];
  }

  // Without parameters: the simple protocol, which also runs several statements (migrations).
  #query(text: string, values: readonly unknown[]): Promise<pg.QueryResult> {
    if (values.length === 0) return this.#client.query(text);
    return this.#client.query({ name: statementName(text), text, values: values as unknown[] });
  }
}

/**
 * The pool with the two ways this adapter talks to it: single statements
 * (`sql`, autocommit) and transactions. Both retry what is safe to retry (a
 * deadlock, a statement whose backend was terminated before it took effect)
 * and turn connection losses into TransientError.
 *
 * @example
 * const n = await db.transaction(async (tx) => tx.run('UPDATE runs SET status = $1 WHERE execution_name = $2', ['failed', name]));
 */
export class Database {
  readonly #pool: pg.Pool;
  #conflictRetries = 0;
  /** Single statements, each in its own implicit transaction. */
  readonly sql: Sql;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
    const each = <T>(use: (sql: Sql) => Promise<T>) => this.#withClient(use);
    this.sql = {
      rows: (text, values) => each((s) => s.rows(text, values)),
      one: (text, values) => each((s) => s.one(text, values)),
      run: (text, values) => each((s) => s.run(text, values)),
      script: (text) => each((s) => s.script(text)),
    };
  }

  /**
   * Runs `fn` in a READ COMMITTED transaction on one connection, committing
   * when it resolves and rolling back when it throws. `fn` may run more than
   * once (after a deadlock), so it must not have effects outside the database.
   * `prelude` (statements without parameters, values inlined as literals) runs
   * first, sent with BEGIN in one round trip.
   */
  async transaction<T>(fn: (tx: Sql) => Promise<T>, prelude?: string): Promise<T> {
    return this.#withClient(async (tx, session) => {
      // `prelude`: statements without parameters sent with BEGIN, in the same round trip.
      if (prelude === undefined) await tx.run('BEGIN');
      else await tx.script(`BEGIN;\n${prelude}`);
      try {
        const result = await fn(tx);
        await tx.run('COMMIT');
        return result;
      } catch (e) {
        // A dead connection cannot roll back (the server already has); a failed ROLLBACK retires the client.
        if (!isConnectionError(e)) await tx.run('ROLLBACK').catch(() => session.retire());
        throw e;
      }
    });
  }

  /** How many times a statement or transaction ran again after a deadlock or serialization failure. */
  get conflictRetries(): number {
    return this.#conflictRetries;
  }

  /** Closes every connection; waits for checked-out clients to come back. */
  async end(): Promise<void> {
    await this.#pool.end();
  }

  async #withClient<T>(use: (sql: Sql, session: { retire(): void }) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.#pool.connect();
      } catch (e) {
        throw toAdapterError(e);
      }
      let broken: Error | undefined;
      const retire = () => {
        broken ??= new Error('connection retired after a failed ROLLBACK');
      };
      try {
        return await use(new ClientSql(client), { retire });
      } catch (e) {
        if (isConnectionError(e)) broken = e instanceof Error ? e : new Error(String(e));
        const conflict = isConflict(e) && attempt < CONFLICT_ATTEMPTS;
        if (!conflict && !(wasNotApplied(e) && attempt === 1)) throw toAdapterError(e);
        if (conflict) this.#conflictRetries++;
      } finally {
        // A client whose connection broke is destroyed rather than returned to the pool.
        client.release(broken);
      }
      await pause(attempt);
    }
  }
}

/** A short random wait before running a conflicting transaction again, so the two do not collide again. */
function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
}
