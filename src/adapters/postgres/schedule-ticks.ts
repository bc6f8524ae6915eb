import type { CurationChanges, ScheduleCursor, ScheduledRuns, TickClaim } from '../../ports/schedule-store.js';
import type { Sql } from './database.js';
import { finishRecord, type RecordHook } from './history.js';
import { RUN_COLUMNS, runFromRow, type RunRow } from './run-row.js';
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

/**
 * Claims ticks inside the caller's transaction; per claim whether it won.
 * Cursor rows are locked in curationType order whatever the order of
 * `claims` (a stable sort keeps each curation's ticks in their order), so two
 * batches over the same curations never deadlock; results come back in the
 * order of `claims`.
 */
export async function claimTicks(tx: Sql, claims: readonly TickClaim[], skippedHook?: RecordHook): Promise<boolean[]> {
  const order = claims.map((claim, index) => ({ claim, index }));
  order.sort((a, b) => (a.claim.curationType < b.claim.curationType ? -1 : a.claim.curationType > b.claim.curationType ? 1 : 0));
  const cursors = new Map<string, number>();
  const won = new Array<boolean>(claims.length).fill(false);
  for (const { claim, index } of order) {
    const tick = instant(claim.scheduledTime, 'scheduledTime', 'tick claim');
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
