import type { AlertMark, Incident, IncidentKey, IncidentKind } from '../../domain/notify/incidents.js';
import type { SqliteDatabase } from './connection.js';

interface IncidentRow {
  curation_type: string;
  kind: string;
  subject: string;
  opened_at: string;
  updated_at: string;
  occurrences: number;
  alerts: string;
}

/** The `incidents` table: open incidents and when each destination was last alerted about them. */
export class IncidentTable {
  readonly #all;
  readonly #ofCuration;
  readonly #upsert;
  readonly #delete;

  constructor(db: SqliteDatabase) {
    const select = 'SELECT * FROM incidents';
    const order = ' ORDER BY opened_at, curation_type, kind, subject';
    this.#all = db.prepare<[], IncidentRow>(select + order);
    this.#ofCuration = db.prepare<[string], IncidentRow>(`${select} WHERE curation_type = ?${order}`);
    this.#upsert = db.prepare<[string, string, string, string, string, number, string]>(
      `INSERT INTO incidents (curation_type, kind, subject, opened_at, updated_at, occurrences, alerts) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (curation_type, kind, subject) DO UPDATE SET
         opened_at = excluded.opened_at, updated_at = excluded.updated_at, occurrences = excluded.occurrences, alerts = excluded.alerts`,
    );
    this.#delete = db.prepare<[string, string, string]>('DELETE FROM incidents WHERE curation_type = ? AND kind = ? AND subject = ?');
  }

  list(curationType?: string): Incident[] {
    const rows = curationType === undefined ? this.#all.all() : this.#ofCuration.all(curationType);
    return rows.map(fromRow);
  }

  upsert(i: Incident): void {
    this.#upsert.run(i.curationType, i.kind, i.subject, i.openedAt, i.updatedAt, i.occurrences, JSON.stringify(i.alerts));
  }

  close(key: IncidentKey): void {
    this.#delete.run(key.curationType, key.kind, key.subject);
  }
}

function fromRow(row: IncidentRow): Incident {
  return {
    curationType: row.curation_type,
    kind: row.kind as IncidentKind,
    subject: row.subject,
    openedAt: row.opened_at,
    updatedAt: row.updated_at,
    occurrences: row.occurrences,
    alerts: JSON.parse(row.alerts) as Record<string, AlertMark>,
  };
}
