import { ValidationError } from '../../domain/errors.js';
import type { OutboxDraft, OutboxEntry } from '../../domain/notify/outbox.js';
import type { ClaimRequest, OutboxCounts, OutboxOutcome, OutboxPage, OutboxQuery } from '../../ports/outbox-store.js';
import type { SqliteDatabase } from './connection.js';
import { draftValues, entryFromRow, type OutboxRow } from './outbox-row.js';

/**
 * The `outbox` and `outbox_groups` tables. A group (destination, curation)
 * is claimed whole by one dispatcher (a lease), and a failed entry holds its
 * group back until its retry time, so entries of a group go out in order.
 * Callers run claim and settle inside IMMEDIATE transactions.
 */
export class OutboxTable {
  readonly #db: SqliteDatabase;
  readonly #insert;
  readonly #due;
  readonly #lease;
  readonly #countAttempt;
  readonly #byId;
  readonly #delivered;
  readonly #retry;
  readonly #holdGroup;
  readonly #dead;
  readonly #release;
  readonly #freeGroup;
  readonly #retryOne;
  readonly #retryAll;
  readonly #prune;
  readonly #countAll;
  readonly #countRun;
  readonly #pages = new Map<string, RowStatement>();

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#insert = db.prepare<ReturnType<typeof draftValues>>(
      `INSERT INTO outbox (id, destination_id, destination_type, curation_type, execution_name, event, payload, state, attempts, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, 0, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    this.#due = db.prepare<{ now: number; limit: number }, OutboxRow>(
      `SELECT o.* FROM outbox o
       LEFT JOIN outbox_groups g ON g.destination_id = o.destination_id AND g.curation_type = o.curation_type
       WHERE o.state = 'pending' AND o.next_attempt_at <= @now
         AND (g.destination_id IS NULL OR (g.not_before <= @now AND g.lease_until <= @now))
       ORDER BY o.seq LIMIT @limit`,
    );
    this.#lease = db.prepare<[string, string, string, number]>(
      `INSERT INTO outbox_groups (destination_id, curation_type, lease_owner, lease_until) VALUES (?, ?, ?, ?)
       ON CONFLICT (destination_id, curation_type) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until`,
    );
    this.#countAttempt = db.prepare<[string, number]>('UPDATE outbox SET attempts = attempts + 1, updated_at = ? WHERE seq = ?');
    this.#byId = db.prepare<[string], OutboxRow>('SELECT * FROM outbox WHERE id = ?');
    const pending = "WHERE id = @id AND state = 'pending'";
    this.#delivered = db.prepare<{ id: string; nowMs: number; now: string }>(
      `UPDATE outbox SET state = 'delivered', delivered_at = @nowMs, updated_at = @now, last_error = NULL ${pending}`,
    );
    this.#retry = db.prepare<{ id: string; at: number; error: string; now: string }>(
      `UPDATE outbox SET next_attempt_at = @at, last_error = @error, updated_at = @now ${pending}`,
    );
    this.#holdGroup = db.prepare<{ id: string; at: number }>(
      `UPDATE outbox_groups SET not_before = max(not_before, @at)
       WHERE (destination_id, curation_type) = (SELECT destination_id, curation_type FROM outbox WHERE id = @id)`,
    );
    this.#dead = db.prepare<{ id: string; error: string; now: string }>(
      `UPDATE outbox SET state = 'dead', last_error = @error, updated_at = @now ${pending}`,
    );
    this.#release = db.prepare<{ id: string }>(`UPDATE outbox SET attempts = max(0, attempts - 1) ${pending}`);
    this.#freeGroup = db.prepare<{ id: string; owner: string }>(
      `UPDATE outbox_groups SET lease_owner = NULL, lease_until = 0
       WHERE (destination_id, curation_type) = (SELECT destination_id, curation_type FROM outbox WHERE id = @id) AND lease_owner = @owner`,
    );
    const revive = "SET state = 'pending', attempts = 0, next_attempt_at = @at, updated_at = @now WHERE state = 'dead'";
    this.#retryOne = db.prepare<{ id: string; at: number; now: string }>(`UPDATE outbox ${revive} AND id = @id`);
    this.#retryAll = db.prepare<{ at: number; now: string }>(`UPDATE outbox ${revive}`);
    this.#prune = db.prepare<[number]>("DELETE FROM outbox WHERE state = 'delivered' AND delivered_at < ?");
    this.#countAll = db.prepare<[], { state: string; n: number }>('SELECT state, count(*) AS n FROM outbox GROUP BY state');
    this.#countRun = db.prepare<[string], { state: string; n: number }>(
      'SELECT state, count(*) AS n FROM outbox WHERE execution_name = ? GROUP BY state',
    );
  }

  enqueue(drafts: readonly OutboxDraft[], now: string): void {
    for (const draft of drafts) this.#insert.run(...draftValues(draft, now));
  }

  claim(request: ClaimRequest): OutboxEntry[] {
    const nowMs = request.now.getTime();
    const rows = this.#due.all({ now: nowMs, limit: request.limit });
    const until = nowMs + request.leaseMs;
    const leased = new Set<string>();
    const stamp = request.now.toISOString();
    for (const row of rows) {
      const group = `${row.destination_id}\u0000${row.curation_type}`;
      if (!leased.has(group)) {
        leased.add(group);
        this.#lease.run(row.destination_id, row.curation_type, request.owner, until);
      }
      this.#countAttempt.run(stamp, row.seq);
      row.attempts += 1;
      row.updated_at = stamp;
    }
    return rows.map(entryFromRow);
  }

  settle(owner: string, outcomes: readonly OutboxOutcome[], now: Date): void {
    const nowIso = now.toISOString();
    const nowMs = now.getTime();
    for (const o of outcomes) {
      if (o.outcome === 'delivered') this.#delivered.run({ id: o.id, nowMs, now: nowIso });
      else if (o.outcome === 'dead') this.#dead.run({ id: o.id, error: o.error, now: nowIso });
      else if (o.outcome === 'release') this.#release.run({ id: o.id });
      else {
        const at = o.nextAttemptAt.getTime();
        this.#retry.run({ id: o.id, at, error: o.error, now: nowIso });
        this.#holdGroup.run({ id: o.id, at });
      }
    }
    for (const o of outcomes) this.#freeGroup.run({ id: o.id, owner });
  }

  get(id: string): OutboxEntry | undefined {
    const row = this.#byId.get(id);
    return row && entryFromRow(row);
  }

  /** Newest first; `nextCursor` only when more rows exist. */
  list(query: OutboxQuery): OutboxPage {
    if (!Number.isSafeInteger(query.limit) || query.limit < 1) {
      throw new ValidationError([{ path: 'limit', message: 'must be a whole number of at least 1' }], 'outbox query');
    }
    const where: string[] = [];
    const params: (string | number)[] = [];
    const filter = (column: string, value: string | number | undefined, op = '=') => {
      if (value === undefined) return;
      where.push(`${column} ${op} ?`);
      params.push(value);
    };
    filter('state', query.state);
    filter('curation_type', query.curationType);
    filter('execution_name', query.executionName);
    filter('destination_id', query.destinationId);
    filter('seq', query.cursor === undefined ? undefined : decodeSeq(query.cursor), '<');
    const sql = `SELECT * FROM outbox${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    params.push(query.limit + 1);
    let statement = this.#pages.get(sql);
    if (!statement) {
      statement = prepareRows(this.#db, sql);
      this.#pages.set(sql, statement);
    }
    const rows = statement.all(...params);
    const entries = rows.slice(0, query.limit).map(entryFromRow);
    const last = entries.at(-1);
    if (rows.length <= query.limit || !last) return { entries };
    return { entries, nextCursor: Buffer.from(String(last.seq)).toString('base64url') };
  }

  counts(executionName?: string): OutboxCounts {
    const rows = executionName === undefined ? this.#countAll.all() : this.#countRun.all(executionName);
    const counts = { pending: 0, delivered: 0, dead: 0 };
    for (const r of rows) counts[r.state as keyof typeof counts] = r.n;
    return counts;
  }

  retryDead(now: Date, ids?: readonly string[]): number {
    const at = now.getTime();
    const stamp = now.toISOString();
    if (ids === undefined) return this.#retryAll.run({ at, now: stamp }).changes;
    return ids.reduce((n, id) => n + this.#retryOne.run({ id, at, now: stamp }).changes, 0);
  }

  prune(before: Date): number {
    return this.#prune.run(before.getTime()).changes;
  }

  /** Runs `fn` in an IMMEDIATE transaction on this table's connection. */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }
}

function prepareRows(db: SqliteDatabase, sql: string) {
  return db.prepare<(string | number)[], OutboxRow>(sql);
}
type RowStatement = ReturnType<typeof prepareRows>;

function decodeSeq(cursor: string): number {
  const seq = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new ValidationError([{ path: 'cursor', message: 'is not a cursor returned by a previous page; start again without it' }], 'outbox query');
  }
  return seq;
}
