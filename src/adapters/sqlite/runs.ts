import { NotFoundError, StateError } from '../../domain/errors.js';
import type { RunState } from '../../domain/run.js';
import type { SqliteDatabase } from './connection.js';
import { runFromRow, runToRow, type RunRow } from './run-row.js';

const COLUMNS =
  'execution_name, curation_type, status, step, "trigger", scheduled_time, attempt, created_at, started_at, updated_at, lease_owner, lease_until, parameters, context';
const VALUES =
  '@execution_name, @curation_type, @status, @step, @trigger, @scheduled_time, @attempt, @created_at, @started_at, @updated_at, @lease_owner, @lease_until, @parameters, @context';
const ASSIGN = COLUMNS.split(', ')
  .filter((c) => c !== 'execution_name')
  .map((c) => `${c} = @${c.replaceAll('"', '')}`)
  .join(', ');

/** The `runs` table: runs in flight (and the terminal status they reached). */
export class RunTable {
  readonly #insert;
  readonly #update;
  readonly #get;
  readonly #active;

  constructor(db: SqliteDatabase) {
    this.#insert = db.prepare<RunRow>(`INSERT INTO runs (${COLUMNS}) VALUES (${VALUES}) ON CONFLICT (execution_name) DO NOTHING`);
    this.#update = db.prepare<RunRow>(`UPDATE runs SET ${ASSIGN} WHERE execution_name = @execution_name`);
    this.#get = db.prepare<[string], RunRow>('SELECT * FROM runs WHERE execution_name = ?');
    this.#active = db.prepare<[], RunRow>(
      "SELECT * FROM runs WHERE status IN ('queued', 'running') ORDER BY created_at, execution_name",
    );
  }

  /** @throws StateError if a run of that name already exists. */
  create(run: RunState): void {
    if (this.#insert.run(runToRow(run)).changes === 0) {
      throw new StateError(`run '${run.executionName}' already exists: execution names must be unique`);
    }
  }

  /** @throws NotFoundError('run', name) if the run was never created. */
  save(run: RunState): void {
    if (this.#update.run(runToRow(run)).changes === 0) throw new NotFoundError('run', run.executionName);
  }

  get(executionName: string): RunState | undefined {
    const row = this.#get.get(executionName);
    return row && runFromRow(row);
  }

  /** Queued and running runs, oldest first. */
  listActive(): RunState[] {
    return this.#active.all().map(runFromRow);
  }
}
