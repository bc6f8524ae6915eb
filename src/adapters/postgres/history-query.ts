import type { HistoryQuery } from '../../ports/state-store.js';
import { checkHistoryQuery, decodeCursor } from '../../domain/history-page.js';
import { runFilterSql } from './run-filters.js';

/** One history page query: SQL text with $n parameters, and their values. */
export interface HistorySql {
  readonly text: string;
  readonly values: unknown[];
}

/**
 * The SELECT for one page of `listHistory`, newest first, asking for one row
 * more than `limit` to learn whether another page exists. Every filter
 * combination walks an index in ORDER BY order (keyset pagination on
 * (timestamp, execution_name)), so a page costs the same at row 10 and at
 * row 1,000,000.
 *
 * @throws ValidationError for a bad limit, bounds or cursor.
 */
export function buildHistoryQuery(query: HistoryQuery): HistorySql {
  checkHistoryQuery(query);
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  // (curation_type, timestamp) is unique: within one curation the timestamp alone orders the rows,
  // so the primary key serves the page without sorting.
  const oneCuration = query.curationType !== undefined && query.statuses === undefined;
  if (query.curationType !== undefined) where.push(`curation_type = ${param(query.curationType)}`);
  where.push(...runFilterSql(query, param));
  if (query.from !== undefined) where.push(`"timestamp" >= ${param(query.from)}`);
  // One upper bound only: `to` when it is below the cursor, else the cursor.
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (after !== undefined && (query.to === undefined || query.to >= after.timestamp)) {
    const t = param(after.timestamp);
    const name = param(after.executionName);
    where.push(oneCuration ? `"timestamp" <= ${t} AND ("timestamp" < ${t} OR execution_name < ${name})` : `("timestamp", execution_name) < (${t}, ${name})`);
  } else if (query.to !== undefined) {
    where.push(`"timestamp" <= ${param(query.to)}`);
  }
  const order = oneCuration ? '"timestamp" DESC' : '"timestamp" DESC, execution_name DESC';
  const text =
    'SELECT record FROM history' + (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') + ` ORDER BY ${order} LIMIT ${param(query.limit + 1)}`;
  return { text, values };
}

