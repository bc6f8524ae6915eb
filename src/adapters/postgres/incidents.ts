import type { AlertMark, Incident, IncidentKey, IncidentKind } from '../../domain/notify/incidents.js';
import type { Sql } from './database.js';
import { iso, json } from './values.js';

interface IncidentRow {
  curation_type: string;
  kind: string;
  subject: string;
  opened_at: Date;
  updated_at: Date;
  occurrences: number;
  alerts: Record<string, AlertMark>;
}

const SELECT = 'SELECT curation_type, kind, subject, opened_at, updated_at, occurrences, alerts FROM incidents';
const ORDER = ' ORDER BY opened_at, curation_type, kind, subject';

/** Open incidents in the `incidents` table, oldest first; only one curation's when given. */
export async function listIncidents(sql: Sql, curationType?: string): Promise<Incident[]> {
  const rows =
    curationType === undefined
      ? await sql.rows<IncidentRow>(SELECT + ORDER)
      : await sql.rows<IncidentRow>(`${SELECT} WHERE curation_type = $1${ORDER}`, [curationType]);
  return rows.map(fromRow);
}

/** Writes incidents (insert or replace) and removes closed ones, in two statements whatever their number. */
export async function writeIncidents(sql: Sql, upsert: readonly Incident[], close: readonly IncidentKey[]): Promise<void> {
  if (close.length > 0) {
    await sql.run(
      `DELETE FROM incidents i USING jsonb_to_recordset($1::jsonb) AS k(curation_type text, kind text, subject text)
       WHERE (i.curation_type, i.kind, i.subject) = (k.curation_type, k.kind, k.subject)`,
      [json(close.map((k) => ({ curation_type: k.curationType, kind: k.kind, subject: k.subject })))],
    );
  }
  if (upsert.length === 0) return;
  await sql.run(
    `INSERT INTO incidents (curation_type, kind, subject, opened_at, updated_at, occurrences, alerts)
     SELECT DISTINCT ON (curation_type, kind, subject) curation_type, kind, subject, opened_at, updated_at, occurrences, alerts
     FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (curation_type text, kind text, subject text, opened_at timestamptz,
       updated_at timestamptz, occurrences integer, alerts jsonb)) WITH ORDINALITY AS i(curation_type, kind, subject, opened_at,
       updated_at, occurrences, alerts, n)
     -- The last write of a key wins, as if applied one by one.
     ORDER BY curation_type, kind, subject, n DESC
     ON CONFLICT (curation_type, kind, subject) DO UPDATE SET
       opened_at = excluded.opened_at, updated_at = excluded.updated_at, occurrences = excluded.occurrences, alerts = excluded.alerts`,
    [
      json(
        upsert.map((i) => ({
          curation_type: i.curationType,
          kind: i.kind,
          subject: i.subject,
          opened_at: i.openedAt,
          updated_at: i.updatedAt,
          occurrences: i.occurrences,
          alerts: i.alerts,
        })),
      ),
    ],
  );
}

function fromRow(row: IncidentRow): Incident {
  return {
    curationType: row.curation_type,
    kind: row.kind as IncidentKind,
    subject: row.subject,
    openedAt: iso(row.opened_at),
    updatedAt: iso(row.updated_at),
    occurrences: row.occurrences,
    alerts: row.alerts,
  };
}
