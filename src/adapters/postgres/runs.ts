import { NotFoundError, StateError } from '../../domain/errors.js';
import type { RunState } from '../../domain/run.js';
import type { Sql } from './database.js';
import { RUN_COLUMNS, runFromRow, runValues, type RunRow } from './run-row.js';

const PLACEHOLDERS = RUN_COLUMNS.split(', ')
  .map((_, i) => `$${i + 1}`)
  .join(', ');
const ASSIGN = RUN_COLUMNS.split(', ')
  .map((c, i) => `${c} = $${i + 1}`)
  .filter((a) => !a.startsWith('execution_name'))
  .join(', ');

/**
 * Inserts a run into the `runs` table (its trigger wakes idle workers).
 *
 * @throws StateError if a run of that name already exists.
 */
export async function createRun(sql: Sql, run: RunState): Promise<void> {
  const inserted = await sql.run(`INSERT INTO runs (${RUN_COLUMNS}) VALUES (${PLACEHOLDERS}) ON CONFLICT (execution_name) DO NOTHING`, runValues(run));
  if (inserted === 0) throw new StateError(`run '${run.executionName}' already exists: execution names must be unique`);
}

/**
 * Replaces the stored run.
 *
 * @throws NotFoundError('run', name) if the run was never created.
 */
export async function saveRun(sql: Sql, run: RunState): Promise<void> {
  if ((await sql.run(`UPDATE runs SET ${ASSIGN} WHERE execution_name = $1`, runValues(run))) === 0) {
    throw new NotFoundError('run', run.executionName);
  }
}

/** One run, or undefined. */
export async function getRun(sql: Sql, executionName: string): Promise<RunState | undefined> {
  const row = await sql.one<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE execution_name = $1`, [executionName]);
  return row && runFromRow(row);
}

/** Queued and running runs, oldest first. */
export async function listActiveRuns(sql: Sql): Promise<RunState[]> {
  const rows = await sql.rows<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM runs WHERE status IN ('queued', 'running') ORDER BY created_at, execution_name`,
  );
  return rows.map(runFromRow);
}
