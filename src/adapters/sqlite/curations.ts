import type { CurationDefinition } from '../../domain/curation.js';
import type { StoredCuration } from '../../ports/state-store.js';
import type { SqliteDatabase } from './connection.js';

interface CurationRow {
  curation_type: string;
  definition: string;
  version: number;
  created_at: string;
  updated_at: string;
}

const UPSERT = `
INSERT INTO curations (curation_type, definition, version, created_at, updated_at)
VALUES (@curationType, @definition, 1, @now, @now)
ON CONFLICT (curation_type) DO UPDATE SET
  definition = excluded.definition,
  version    = curations.version + 1,
  updated_at = excluded.updated_at
RETURNING *`;

/** The `curations` table: one row per curationType, the definition as JSON. */
export class CurationTable {
  readonly #upsert;
  readonly #get;
  readonly #list;
  readonly #delete;

  constructor(db: SqliteDatabase) {
    this.#upsert = db.prepare<{ curationType: string; definition: string; now: string }, CurationRow>(UPSERT);
    this.#get = db.prepare<[string], CurationRow>('SELECT * FROM curations WHERE curation_type = ?');
    this.#list = db.prepare<[], CurationRow>('SELECT * FROM curations ORDER BY curation_type');
    this.#delete = db.prepare<[string]>('DELETE FROM curations WHERE curation_type = ?');
  }

  /** Inserts or replaces; the version goes up by one on every put and createdAt is kept. */
  put(definition: CurationDefinition, now: string): StoredCuration {
    const row = this.#upsert.get({ curationType: definition.curationType, definition: JSON.stringify(definition), now });
    return fromRow(row!);
  }

  get(curationType: string): StoredCuration | undefined {
    const row = this.#get.get(curationType);
    return row && fromRow(row);
  }

  /** Ordered by curationType. */
  list(): StoredCuration[] {
    return this.#list.all().map(fromRow);
  }

  delete(curationType: string): boolean {
    return this.#delete.run(curationType).changes > 0;
  }
}

function fromRow(row: CurationRow): StoredCuration {
  return {
    definition: JSON.parse(row.definition) as CurationDefinition,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}
