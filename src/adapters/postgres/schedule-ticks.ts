import type { CurationChanges, ScheduleCursor, ScheduledRuns, TickClaim } from '../../ports/schedule-store.js';
import type { Sql } from './database.js';
import { finishRecord, type RecordHook } from './history.js';
import { StateError } from '../../domain/errors.js';
import type { RunState } from '../../domain/run.js';
import { RUN_COLUMNS, runFromRow, runValues, type RunRow } from './run-row.js';
import { createRun } from './runs.js';
import { instant, iso } from './values.js';

// The `schedule_ticks`, `schedule_cursors` and `curation_changes` tables.

/** How many change-log entries are kept; a scheduler further behind reloads every definition. */
const KEPT_CHANGES = 10_000;
/** Rows deleted per statement when pruning, so no statement holds many row locks for long. */
const PRUNE_BATCH = 5_000;

// Locks the curation's cursor row (creating it, at -infinity, if absent) and returns where it stands.
const LOCK_CURSOR = `INSERT INTO schedule_cursors (curation_type, last_tick) VALUES ($1, '-infinity')
  ON CONFLICT (curation_type) DO UPDATE SET last_tick = schedule_cursors.last_tick
  RETURNING CASE WHEN last_tick = '-infinity' THEN NULL ELSE last_tick END AS last_tick`;
const ADVANCE = `INSERT INTO schedule_cursors (curation_type, last_tick) VALUES ($1, $2)
  ON CONFLICT (curation_type) DO UPDATE SET last_tick = GREATEST(schedule_cursors.last_tick, excluded.last_tick)`;

// Every cursor of a batch locked (and created at -infinity where absent) in one statement, in the order given.
const LOCK_CURSORS = `INSERT INTO schedule_cursors (curation_type, last_tick)
  SELECT t, '-infinity' FROM unnest($1::text[]) WITH ORDINALITY AS u(t, o) ORDER BY o
  ON CONFLICT (curation_type) DO UPDATE SET last_tick = schedule_cursors.last_tick
  RETURNING curation_type, CASE WHEN last_tick = '-infinity' THEN NULL ELSE last_tick END AS last_tick`;
const INSERT_TICKS = `INSERT INTO schedule_ticks (curation_type, scheduled_time, execution_name, outcome, claimed_by, claimed_at)
  SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
  ON CONFLICT DO NOTHING RETURNING curation_type, scheduled_time`;
const ADVANCE_ALL = `INSERT INTO schedule_cursors (curation_type, last_tick) SELECT * FROM unnest($1::text[], $2::timestamptz[])
  ON CONFLICT (curation_type) DO UPDATE SET last_tick = GREATEST(schedule_cursors.last_tick, excluded.last_tick)`;
const RUN_TYPES = ['text', 'text', 'text', 'text', 'text', 'timestamptz', 'int4', 'timestamptz', 'timestamptz', 'timestamptz', 'text', 'timestamptz', 'jsonb', 'jsonb'];
const INSERT_RUNS = `INSERT INTO runs (${RUN_COLUMNS}) SELECT * FROM unnest(${RUN_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
  ON CONFLICT (execution_name) DO NOTHING RETURNING execution_name`;

/**
 * Claims ticks inside the caller's transaction; per claim whether it won.
 * Cursor rows are locked in curationType order whatever the order of
 * `claims` (a stable sort keeps each curation's ticks in their order), so two
 * batches over the same curations never deadlock; results come back in the
 * order of `claims`.
 *
 * A batch whose ticks rise within each curation (the scheduler's) takes a
 * handful of statements whatever its size: a tick then wins exactly when it
 * is after its curation's stored cursor and no one claimed it yet, whichever
 * of the others win. Other batches go claim by claim.
 */
export async function claimTicks(tx: Sql, claims: readonly TickClaim[], skippedHook?: RecordHook): Promise<boolean[]> {
  const order = claims.map((claim, index) => ({ claim, index, tick: instant(claim.scheduledTime, 'scheduledTime', 'tick claim') }));
  order.sort((a, b) => (a.claim.curationType < b.claim.curationType ? -1 : a.claim.curationType > b.claim.curationType ? 1 : 0));
  const rising = order.every((o, i) => i === 0 || order[i - 1]!.claim.curationType !== o.claim.curationType || Date.parse(order[i - 1]!.tick) < Date.parse(o.tick));
  if (!rising) return claimOneByOne(tx, order, claims.length, skippedHook);

  const types = [...new Set(order.map((o) => o.claim.curationType))];
  const cursors = new Map<string, number>();
  for (const row of await tx.rows<{ curation_type: string; last_tick: Date | null }>(LOCK_CURSORS, [types])) {
    cursors.set(row.curation_type, row.last_tick?.getTime() ?? -Infinity);
  }
  const due = order.filter((o) => Date.parse(o.tick) > (cursors.get(o.claim.curationType) ?? -Infinity));
  const won = new Array<boolean>(claims.length).fill(false);
  if (due.length === 0) return won;
  const column = <T>(f: (o: (typeof due)[number]) => T) => due.map(f);
  const inserted = await tx.rows<{ curation_type: string; scheduled_time: Date }>(INSERT_TICKS, [
    column((o) => o.claim.curationType),
    column((o) => o.tick),
    column((o) => ('run' in o.claim.outcome ? o.claim.outcome.run.executionName : o.claim.outcome.skipped.curationExecutionName)),
    column((o) => ('run' in o.claim.outcome ? 'run' : 'skipped')),
    column((o) => o.claim.claimedBy),
    column((o) => instant(o.claim.claimedAt, 'claimedAt', 'tick claim')),
  ]);
  const key = (type: string, ms: number) => `${type}\u0000${ms}`;
  const taken = new Set(inserted.map((r) => key(r.curation_type, r.scheduled_time.getTime())));
  const winners = due.filter((o) => taken.has(key(o.claim.curationType, Date.parse(o.tick))));
  if (winners.length === 0) return won;
  const last = new Map<string, string>();
  for (const o of winners) last.set(o.claim.curationType, o.tick); // rising: the last is the latest
  await tx.run(ADVANCE_ALL, [[...last.keys()], [...last.values()]]);
  const runs = winners.flatMap((o) => ('run' in o.claim.outcome ? [o.claim.outcome.run] : []));
  if (runs.length > 0) await insertRuns(tx, runs);
  for (const o of winners) {
    if ('skipped' in o.claim.outcome) await finishRecord(tx, o.claim.outcome.skipped, instant(o.claim.claimedAt, 'claimedAt', 'tick claim'), skippedHook);
    won[o.index] = true;
  }
  return won;
}

/** Inserts new runs in one statement. @throws StateError naming a run that exists already (as {@link createRun}). */
async function insertRuns(tx: Sql, runs: readonly RunState[]): Promise<void> {
  const values = runs.map(runValues);
  const columns = RUN_TYPES.map((_, i) => values.map((v) => v[i]));
  const stored = new Set((await tx.rows<{ execution_name: string }>(INSERT_RUNS, columns)).map((r) => r.execution_name));
  const clash = runs.find((r) => !stored.has(r.executionName));
  if (clash) throw new StateError(`run '${clash.executionName}' already exists: execution names must be unique`);
}

/** Claim after claim, for batches whose ticks do not rise within a curation. */
async function claimOneByOne(
  tx: Sql,
  order: readonly { claim: TickClaim; index: number; tick: string }[],
  count: number,
  skippedHook?: RecordHook,
): Promise<boolean[]> {
  const cursors = new Map<string, number>();
  const won = new Array<boolean>(count).fill(false);
  for (const { claim, index, tick } of order) {
    const tickMs = Date.parse(tick);
    let cursor = cursors.get(claim.curationType);
    if (cursor === undefined) {
      const row = await tx.one<{ last_tick: Date | null }>(LOCK_CURSOR, [claim.curationType]);
      cursor = row?.last_tick?.getTime() ?? -Infinity;
    }
    cursors.set(claim.curationType, cursor);
    if (cursor >= tickMs) continue;
    const name = 'run' in claim.outcome ? claim.outcome.run.executionName : claim.outcome.skipped.curationExecutionName;
    const claimedAt = instant(claim.claimedAt, 'claimedAt', 'tick claim');
    const inserted = await tx.run(
      `INSERT INTO schedule_ticks (curation_type, scheduled_time, execution_name, outcome, claimed_by, claimed_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [claim.curationType, tick, name, 'run' in claim.outcome ? 'run' : 'skipped', claim.claimedBy, claimedAt],
    );
    if (inserted === 0) continue;
    await tx.run(ADVANCE, [claim.curationType, tick]);
    cursors.set(claim.curationType, tickMs);
    if ('run' in claim.outcome) await createRun(tx, claim.outcome.run);
    else await finishRecord(tx, claim.outcome.skipped, claimedAt, skippedHook);
    won[index] = true;
  }
  return won;
}

/** Moves a cursor forward (never back). */
export async function advanceCursor(sql: Sql, curationType: string, lastTick: string): Promise<void> {
  await sql.run(ADVANCE, [curationType, instant(lastTick, 'lastTick', 'schedule cursor')]);
}

/** The cursors of every curation that has one. */
export async function listCursors(sql: Sql): Promise<ScheduleCursor[]> {
  const rows = await sql.rows<{ curation_type: string; last_tick: Date }>(
    "SELECT curation_type, last_tick FROM schedule_cursors WHERE last_tick > '-infinity' ORDER BY curation_type",
  );
  return rows.map((r) => ({ curationType: r.curation_type, lastTick: iso(r.last_tick) }));
}

/** Curations put or deleted after `afterSeq`, read in one snapshot. */
export async function curationChanges(sql: Sql, afterSeq: number): Promise<CurationChanges> {
  const row = (await sql.one<{ seq: number; oldest: number | null; types: string[] }>(
    `SELECT c.seq, (SELECT min(seq) FROM curation_changes) AS oldest,
       ARRAY(SELECT DISTINCT curation_type FROM curation_changes WHERE seq > $1 ORDER BY curation_type) AS types
     FROM curation_change_counter c`,
    [afterSeq],
  ))!;
  if (afterSeq >= row.seq) return { seq: row.seq, curationTypes: [] };
  const oldest = row.oldest ?? row.seq + 1;
  if (afterSeq < oldest - 1) return { seq: row.seq, curationTypes: 'all' };
  return { seq: row.seq, curationTypes: row.types };
}

/** Succeeded ticks and active runs of one curation with a scheduledTime in [fromIso, toIso]. */
export async function scheduledRuns(sql: Sql, curationType: string, fromIso: string, toIso: string): Promise<ScheduledRuns> {
  const range = [curationType, instant(fromIso, 'from', 'scheduled runs'), instant(toIso, 'to', 'scheduled runs')];
  const succeeded = await sql.rows<{ t: Date }>(
    `SELECT scheduled_time AS t FROM history WHERE curation_type = $1 AND scheduled_time BETWEEN $2 AND $3 AND status = 'succeeded'`,
    range,
  );
  const active = await sql.rows<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM runs r WHERE curation_type = $1 AND status IN ('queued', 'running') AND scheduled_time BETWEEN $2 AND $3
       AND NOT EXISTS (SELECT 1 FROM history h WHERE h.execution_name = r.execution_name)
     ORDER BY scheduled_time, created_at`,
    range,
  );
  return { succeeded: new Set(succeeded.map((r) => iso(r.t))), active: active.map(runFromRow) };
}

/** Forgets tick claims made before `beforeIso` (their cursors keep them from being claimed again) and old change-log rows. */
export async function pruneTicks(sql: Sql, beforeIso: string): Promise<number> {
  const before = instant(beforeIso, 'before', 'prune');
  let removed = 0;
  for (let n = PRUNE_BATCH; n === PRUNE_BATCH; ) {
    n = await sql.run(
      `DELETE FROM schedule_ticks WHERE (curation_type, scheduled_time) IN
         (SELECT curation_type, scheduled_time FROM schedule_ticks WHERE claimed_at < $1 LIMIT ${PRUNE_BATCH})`,
      [before],
    );
    removed += n;
  }
  removed += await sql.run(`DELETE FROM curation_changes WHERE seq <= (SELECT seq FROM curation_change_counter) - ${KEPT_CHANGES}`);
  return removed;
}
