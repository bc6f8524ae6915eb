import { ValidationError } from '../../domain/errors.js';
import type { OutboxDraft, OutboxEntry } from '../../domain/notify/outbox.js';
import type { ClaimRequest, OutboxCounts, OutboxOutcome, OutboxPage, OutboxQuery } from '../../ports/outbox-store.js';
import type { Sql } from './database.js';
import { draftDocument, entryFromRow, OUTBOX_COLUMNS, type OutboxRow } from './outbox-row.js';
import { json, text } from './values.js';

// The `outbox` and `outbox_groups` tables. A group (destination, curation) is
// claimed whole by one dispatcher: the claim locks its row (SKIP LOCKED, so
// dispatchers never wait for each other) and leases it; a failed entry holds
// its group back until its retry time, so entries of a group go out in order.

const ENQUEUE = `
WITH d AS (
  SELECT * FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (id text, destination_id text, destination_type text, curation_type text,
    execution_name text, event text, payload jsonb)) WITH ORDINALITY AS d(id, destination_id, destination_type, curation_type, execution_name,
    event, payload, n)
), groups AS (
  INSERT INTO outbox_groups (destination_id, curation_type) SELECT DISTINCT destination_id, curation_type FROM d ON CONFLICT DO NOTHING
)
INSERT INTO outbox (id, destination_id, destination_type, curation_type, execution_name, event, payload, state, attempts, next_attempt_at, created_at, updated_at)
SELECT id, destination_id, destination_type, curation_type, execution_name, event, payload, 'pending', 0, 0, $2, $2 FROM d ORDER BY n
ON CONFLICT (id) DO NOTHING`;

// One statement: lock the free groups of the oldest due entries, lease them, count the attempts.
const CLAIM = `
WITH due AS (
  SELECT o.seq, o.destination_id, o.curation_type FROM outbox o
  JOIN outbox_groups g ON g.destination_id = o.destination_id AND g.curation_type = o.curation_type
  WHERE o.state = 'pending' AND o.next_attempt_at <= $1 AND g.not_before <= $1 AND g.lease_until <= $1
  ORDER BY o.seq LIMIT $2
  FOR NO KEY UPDATE OF g SKIP LOCKED
), leased AS (
  UPDATE outbox_groups g SET lease_owner = $3, lease_until = $4
  FROM (SELECT DISTINCT destination_id, curation_type FROM due) d
  WHERE g.destination_id = d.destination_id AND g.curation_type = d.curation_type
)
UPDATE outbox o SET attempts = o.attempts + 1, updated_at = $5 FROM due WHERE o.seq = due.seq AND o.state = 'pending'
RETURNING ${OUTBOX_COLUMNS.split(', ')
  .map((c) => `o.${c}`)
  .join(', ')}`;

const GROUPS_OF = 'SELECT destination_id, curation_type FROM outbox WHERE id = ANY($1::text[])';

/** Appends entries (an id already queued is ignored) and their groups; run it in the transaction that decided them. */
export async function enqueueEntries(tx: Sql, drafts: readonly OutboxDraft[], now: string): Promise<void> {
  if (drafts.length === 0) return;
  await tx.run(ENQUEUE, [json(drafts.map(draftDocument)), now]);
}

/** Claims up to `limit` due entries, oldest first, from groups nobody holds; each claimed entry's attempts grow by one. */
export async function claimEntries(sql: Sql, request: ClaimRequest): Promise<OutboxEntry[]> {
  const now = request.now.getTime();
  const rows = await sql.rows<OutboxRow>(CLAIM, [now, request.limit, request.owner, now + request.leaseMs, request.now.toISOString()]);
  return rows.sort((a, b) => a.seq - b.seq).map(entryFromRow);
}

/** Records how claimed entries ended and frees their groups; run it in a transaction. */
export async function settleEntries(tx: Sql, owner: string, outcomes: readonly OutboxOutcome[], now: Date): Promise<void> {
  if (outcomes.length === 0) return;
  const ids = outcomes.map((o) => o.id);
  const nowIso = now.toISOString();
  // Groups first, in key order: every writer that waits for group rows takes them in this order.
  await tx.run(
    `SELECT 1 FROM outbox_groups WHERE (destination_id, curation_type) IN (${GROUPS_OF}) ORDER BY destination_id, curation_type FOR NO KEY UPDATE`,
    [ids],
  );
  const of = <K extends OutboxOutcome['outcome']>(kind: K) => outcomes.filter((o): o is Extract<OutboxOutcome, { outcome: K }> => o.outcome === kind);
  const delivered = of('delivered').map((o) => o.id);
  if (delivered.length > 0) {
    await tx.run(
      `UPDATE outbox SET state = 'delivered', delivered_at = $2, updated_at = $3, last_error = NULL WHERE id = ANY($1::text[]) AND state = 'pending'`,
      [delivered, now.getTime(), nowIso],
    );
  }
  const dead = of('dead').map((o) => ({ id: o.id, error: text(o.error) }));
  if (dead.length > 0) {
    await tx.run(
      `UPDATE outbox o SET state = 'dead', last_error = d.error, updated_at = $2
       FROM jsonb_to_recordset($1::jsonb) AS d(id text, error text) WHERE o.id = d.id AND o.state = 'pending'`,
      [json(dead), nowIso],
    );
  }
  const released = of('release').map((o) => o.id);
  if (released.length > 0) {
    await tx.run(`UPDATE outbox SET attempts = GREATEST(0, attempts - 1) WHERE id = ANY($1::text[]) AND state = 'pending'`, [released]);
  }
  const retries = of('retry').map((o) => ({ id: o.id, at: o.nextAttemptAt.getTime(), error: text(o.error) }));
  if (retries.length > 0) {
    await tx.run(
      `UPDATE outbox o SET next_attempt_at = r.at, last_error = r.error, updated_at = $2
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, at bigint, error text) WHERE o.id = r.id AND o.state = 'pending'`,
      [json(retries), nowIso],
    );
    await tx.run(
      `UPDATE outbox_groups g SET not_before = GREATEST(g.not_before, h.at)
       FROM (SELECT o.destination_id, o.curation_type, max(r.at) AS at FROM jsonb_to_recordset($1::jsonb) AS r(id text, at bigint)
             JOIN outbox o ON o.id = r.id GROUP BY o.destination_id, o.curation_type) h
       WHERE g.destination_id = h.destination_id AND g.curation_type = h.curation_type`,
      [json(retries)],
    );
  }
  await tx.run(
    `UPDATE outbox_groups SET lease_owner = NULL, lease_until = 0 WHERE (destination_id, curation_type) IN (${GROUPS_OF}) AND lease_owner = $2`,
    [ids, owner],
  );
}

/** One entry, or undefined. */
export async function getEntry(sql: Sql, id: string): Promise<OutboxEntry | undefined> {
  const row = await sql.one<OutboxRow>(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE id = $1`, [id]);
  return row && entryFromRow(row);
}

/** Newest first; `nextCursor` only when more rows exist. */
export async function listEntries(sql: Sql, query: OutboxQuery): Promise<OutboxPage> {
  if (!Number.isSafeInteger(query.limit) || query.limit < 1) {
    throw new ValidationError([{ path: 'limit', message: 'must be a whole number of at least 1' }], 'outbox query');
  }
  const where: string[] = [];
  const values: (string | number)[] = [];
  const filter = (column: string, value: string | number | undefined, op = '=') => {
    if (value === undefined) return;
    values.push(value);
    where.push(`${column} ${op} $${values.length}`);
  };
  filter('state', query.state);
  filter('curation_type', query.curationType);
  filter('execution_name', query.executionName);
  filter('destination_id', query.destinationId);
  filter('seq', query.cursor === undefined ? undefined : decodeSeq(query.cursor), '<');
  values.push(query.limit + 1);
  const rows = await sql.rows<OutboxRow>(
    `SELECT ${OUTBOX_COLUMNS} FROM outbox${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${values.length}`,
    values,
  );
  const entries = rows.slice(0, query.limit).map(entryFromRow);
  const last = entries.at(-1);
  if (rows.length <= query.limit || !last) return { entries };
  return { entries, nextCursor: Buffer.from(String(last.seq)).toString('base64url') };
}

/** Entries by state, for everything or one run. */
export async function countEntries(sql: Sql, executionName?: string): Promise<OutboxCounts> {
  const rows =
    executionName === undefined
      ? await sql.rows<{ state: string; n: number }>('SELECT state, count(*) AS n FROM outbox GROUP BY state')
      : await sql.rows<{ state: string; n: number }>('SELECT state, count(*) AS n FROM outbox WHERE execution_name = $1 GROUP BY state', [
          executionName,
        ]);
  const counts = { pending: 0, delivered: 0, dead: 0 };
  for (const r of rows) counts[r.state as keyof typeof counts] = r.n;
  return counts;
}

/** Dead entries (all, or those in `ids`) become pending with no attempts; returns how many. */
export async function retryDeadEntries(sql: Sql, now: Date, ids?: readonly string[]): Promise<number> {
  const revive = "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $1, updated_at = $2 WHERE state = 'dead'";
  if (ids === undefined) return sql.run(revive, [now.getTime(), now.toISOString()]);
  if (ids.length === 0) return 0;
  return sql.run(`${revive} AND id = ANY($3::text[])`, [now.getTime(), now.toISOString(), ids]);
}

/** Removes entries delivered before `before`; returns how many. */
export async function pruneEntries(sql: Sql, before: Date): Promise<number> {
  return sql.run("DELETE FROM outbox WHERE state = 'delivered' AND delivered_at < $1", [before.getTime()]);
}

function decodeSeq(cursor: string): number {
  const seq = Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!Number.isSafeInteger(seq) || seq < 1) {
    throw new ValidationError([{ path: 'cursor', message: 'is not a cursor returned by a previous page; start again without it' }], 'outbox query');
  }
  return seq;
}
