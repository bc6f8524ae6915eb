import type { CurationDefinition } from '../../domain/curation.js';
import type { StoredCuration } from '../../ports/state-store.js';
import type { Sql } from './database.js';
import { iso, json } from './values.js';

interface CurationRow {
  definition: CurationDefinition;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'definition, version, created_at, updated_at';

/**
 * Inserts or replaces a definition in the `curations` table; the version goes
 * up by one on every put and createdAt is kept. (Its triggers log the change
 * and wake other processes.)
 */
export async function putCuration(sql: Sql, definition: CurationDefinition, now: string): Promise<StoredCuration> {
  const row = await sql.one<CurationRow>(
    `INSERT INTO curations (curation_type, definition, version, created_at, updated_at) VALUES ($1, $2, 1, $3, $3)
     ON CONFLICT (curation_type) DO UPDATE SET
       definition = excluded.definition, version = curations.version + 1, updated_at = excluded.updated_at
     RETURNING ${COLUMNS}`,
    [definition.curationType, json(definition), now],
  );
  return fromRow(row!);
}

/** One stored curation, or undefined. */
export async function getCuration(sql: Sql, curationType: string): Promise<StoredCuration | undefined> {
  const row = await sql.one<CurationRow>(`SELECT ${COLUMNS} FROM curations WHERE curation_type = $1`, [curationType]);
  return row && fromRow(row);
}

/** Every curation, ordered by curationType. */
export async function listCurations(sql: Sql): Promise<StoredCuration[]> {
  return (await sql.rows<CurationRow>(`SELECT ${COLUMNS} FROM curations ORDER BY curation_type`)).map(fromRow);
}

/** True if it existed. */
export async function deleteCuration(sql: Sql, curationType: string): Promise<boolean> {
  return (await sql.run('DELETE FROM curations WHERE curation_type = $1', [curationType])) > 0;
}

function fromRow(row: CurationRow): StoredCuration {
  return { definition: row.definition, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at), version: row.version };
}
