import { ValidationError, type FieldIssue } from './errors.js';

/** The position after which the next history page starts: the last record shown. */
export interface HistoryPosition {
  readonly timestamp: number;
  readonly executionName: string;
}

/** base64url of `[timestamp, executionName]`: opaque to callers, stable across processes. */
export function encodeCursor(position: HistoryPosition): string {
  return Buffer.from(JSON.stringify([position.timestamp, position.executionName])).toString('base64url');
}

/** @throws ValidationError when the cursor did not come from {@link encodeCursor}. */
export function decodeCursor(cursor: string): HistoryPosition {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && typeof value[1] === 'string') {
    return { timestamp: value[0] as number, executionName: value[1] };
  }
  throw new ValidationError(
    [{ path: 'cursor', message: 'is not a cursor returned by a previous page; start again without it' }],
    'history query',
  );
}

/** The paging fields every store checks the same way. */
export interface HistoryPageBounds {
  readonly limit: number;
  readonly from?: number;
  readonly to?: number;
}

/** @throws ValidationError naming a bad limit or bound of a history query. */
export function checkHistoryQuery(query: HistoryPageBounds): void {
  const issues: FieldIssue[] = [];
  if (!Number.isSafeInteger(query.limit) || query.limit < 1) {
    issues.push({ path: 'limit', message: 'must be a whole number of at least 1' });
  }
  for (const bound of ['from', 'to'] as const) {
    const v = query[bound];
    if (v !== undefined && !Number.isSafeInteger(v)) issues.push({ path: bound, message: 'must be epoch milliseconds (an integer)' });
  }
  if (issues.length > 0) throw new ValidationError(issues, 'history query');
}
