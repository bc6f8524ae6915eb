import type { HistoryRecord } from '../../domain/history.js';
import type { CurationChanges, ScheduleCursor, ScheduledRuns, TickClaim } from '../../ports/schedule-store.js';
import type { SqliteDatabase } from './connection.js';
import type { HistoryTable } from './history.js';
import { runFromRow, type RunRow } from './run-row.js';
import type { RunTable } from './runs.js';

/** How many change-log entries are kept; a scheduler further behind reloads every definition. */
const KEPT_CHANGES = 10_000;
/** Rows deleted per statement when pruning, so other processes are never locked out for long. */
const PRUNE_BATCH = 5_000;

/** The `schedule_ticks`, `schedule_cursors` and `curation_changes` tables. */
export class ScheduleTables {
  readonly #claim;
  readonly #advance;
  readonly #cursors;
  readonly #maxSeq;
  readonly #minSeq;
  readonly #changed;
  readonly #succeeded;
  readonly #active;
  readonly #pruneTicks;
  readonly #pruneChanges;

  constructor(db: SqliteDatabase, runs: RunTable, history: HistoryTable) {
    const cursor = db.prepare<[string], { last_tick: string }>('SELECT last_tick FROM schedule_cursors WHERE curation_type = ?');
    const insertTick = db.prepare<[string, string, string, string, string, string]>(
      `INSERT INTO schedule_ticks (curation_type, scheduled_time, execution_name, outcome, claimed_by, claimed_at)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    const upsertCursor = db.prepare<[string, string]>(
      `INSERT INTO schedule_cursors (curation_type, last_tick) VALUES (?, ?)
       ON CONFLICT (curation_type) DO UPDATE SET last_tick = max(last_tick, excluded.last_tick)`,
    );
    this.#advance = upsertCursor;
    const claimOne = (c: TickClaim, onSkipped?: (stored: HistoryRecord) => void): boolean => {
      const current = cursor.get(c.curationType);
      if (current && current.last_tick >= c.scheduledTime) return false;
      const name = 'run' in c.outcome ? c.outcome.run.executionName : c.outcome.skipped.curationExecutionName;
      const kind = 'run' in c.outcome ? 'run' : 'skipped';
      if (insertTick.run(c.curationType, c.scheduledTime, name, kind, c.claimedBy, c.claimedAt).changes === 0) return false;
      upsertCursor.run(c.curationType, c.scheduledTime);
      if ('run' in c.outcome) runs.create(c.outcome.run);
      else history.finish(c.outcome.skipped, c.claimedAt, onSkipped);
      return true;
    };
    // One transaction for a batch: the commit, not the rows, is what a claim costs.
    this.#claim = db.transaction((claims: readonly TickClaim[], onSkipped?: (stored: HistoryRecord) => void): boolean[] =>
      claims.map((c) => claimOne(c, onSkipped)),
    );
    this.#cursors = db.prepare<[], { curation_type: string; last_tick: string }>('SELECT curation_type, last_tick FROM schedule_cursors');
    this.#maxSeq = db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'curation_changes'");
    this.#minSeq = db.prepare<[], { seq: number | null }>('SELECT MIN(seq) AS seq FROM curation_changes');
    this.#changed = db.prepare<[number], { curation_type: string }>(
      'SELECT DISTINCT curation_type FROM curation_changes WHERE seq > ? ORDER BY curation_type',
    );
    this.#succeeded = db.prepare<[string, string, string], { t: string }>(
      `SELECT json_extract(record, '$.scheduledTime') AS t FROM history
       WHERE curation_type = ? AND status = 'succeeded' AND t BETWEEN ? AND ?`,
    );
    this.#active = db.prepare<[string, string, string], RunRow>(
      `SELECT * FROM runs r WHERE curation_type = ? AND status IN ('queued', 'running') AND scheduled_time BETWEEN ? AND ?
       AND NOT EXISTS (SELECT 1 FROM history h WHERE h.execution_name = r.execution_name)
       ORDER BY scheduled_time, created_at`,
    );
    this.#pruneTicks = db.prepare<[string]>(
      `DELETE FROM schedule_ticks WHERE rowid IN (SELECT rowid FROM schedule_ticks WHERE claimed_at < ? LIMIT ${PRUNE_BATCH})`,
    );
    this.#pruneChanges = db.prepare<[number]>('DELETE FROM curation_changes WHERE seq <= ?');
  }

  claim(claims: readonly TickClaim[], onSkipped?: (stored: HistoryRecord) => void): boolean[] {
    if (claims.length === 0) return [];
    return this.#claim.immediate(claims, onSkipped);
  }

  advance(curationType: string, lastTick: string): void {
    this.#advance.run(curationType, lastTick);
  }

  cursors(): ScheduleCursor[] {
    return this.#cursors.all().map((r) => ({ curationType: r.curation_type, lastTick: r.last_tick }));
  }

  changes(afterSeq: number): CurationChanges {
    const seq = this.#maxSeq.get()?.seq ?? 0;
    if (afterSeq >= seq) return { seq, curationTypes: [] };
    const oldest = this.#minSeq.get()?.seq ?? seq + 1;
    if (afterSeq < oldest - 1) return { seq, curationTypes: 'all' };
    return { seq, curationTypes: this.#changed.all(afterSeq).map((r) => r.curation_type) };
  }

  scheduledRuns(curationType: string, fromIso: string, toIso: string): ScheduledRuns {
    const succeeded = new Set(this.#succeeded.all(curationType, fromIso, toIso).map((r) => r.t));
    return { succeeded, active: this.#active.all(curationType, fromIso, toIso).map(runFromRow) };
  }

  /** Ticks claimed before `beforeIso` (their cursors keep them from being claimed again) and old change-log rows. */
  prune(beforeIso: string): number {
    let removed = 0;
    for (let n = PRUNE_BATCH; n === PRUNE_BATCH; ) {
      n = this.#pruneTicks.run(beforeIso).changes;
      removed += n;
    }
    const seq = this.#maxSeq.get()?.seq ?? 0;
    removed += this.#pruneChanges.run(seq - KEPT_CHANGES).changes;
    return removed;
  }
}
