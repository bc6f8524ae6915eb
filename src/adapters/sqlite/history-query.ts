import type { HistoryQuery } from '../../ports/state-store.js';
import { checkHistoryQuery, decodeCursor } from '../../domain/history-page.js';
import { runFilterSql } from './run-filters.js';

/** One history page query: SQL text (parameters are positional) and its values. */
export interface HistorySql {
  readonly sql: string;
  readonly params: (string | number)[];
}

/**
 * The SELECT for one page of `listHistory`, newest first, asking for one row
 * more than `limit` to learn whether another page exists. Each filter
 * combination maps onto an index whose order matches the ORDER BY, so a page
 * costs the same at row 10 and at row 1,000,000. Several statuses, or a name
 * search, walk the same index and skip what does not match.
 *
 * @throws ValidationError for a bad limit, bounds or cursor.
 */
export function buildHistoryQuery(query: HistoryQuery): HistorySql {
  checkHistoryQuery(query);
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (query.curationType !== undefined) {
    where.push('curation_type = ?');
    params.push(query.curationType);
  }
  const filters = runFilterSql(query);
  where.push(...filters.parts);
  params.push(...filters.params);
  if (query.from !== undefined) {
    where.push('timestamp >= ?');
    params.push(query.from);
  }
  // Only one upper bound: with both `to` and the cursor, SQLite would seek on
  // `to` and then filter every row down to the cursor, which grows with depth.
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (after !== undefined && (query.to === undefined || query.to >= after.timestamp)) {
    where.push('(timestamp, execution_name) < (?, ?)');
    params.push(after.timestamp, after.executionName);
  } else if (query.to !== undefined) {
    where.push('timestamp <= ?');
    params.push(query.to);
  }
  const sql =
    'SELECT record FROM history' +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ' ORDER BY timestamp DESC, execution_name DESC LIMIT ?';
  params.push(query.limit + 1);
  return { sql, params };
}

