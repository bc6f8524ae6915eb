import type { HistoryQuery } from '../../ports/state-store.js';
import { asciiLower } from '../../domain/timeline.js';
import { containsPattern } from '../sql/like-pattern.js';

/** The filters the history pages and the timeline share (TimelineQuery has the same two). */
type RunFilters = Pick<HistoryQuery, 'statuses' | 'search'>;

const lower = (col: string) => `translate(${col}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;

/**
 * WHERE parts for statuses and a name search over the `history` table,
 * numbering their values through `param`. One status is an equality, so an
 * index on (status, …) still yields rows in its order.
 */
export function runFilterSql(filters: RunFilters, param: (value: unknown) => string): string[] {
  const parts: string[] = [];
  const { statuses, search } = filters;
  if (statuses !== undefined) parts.push(statuses.length === 1 ? `status = ${param(statuses[0])}` : `status = ANY(${param(statuses)}::text[])`);
  if (search) {
    // ASCII letters folded on both sides: ILIKE would also fold letters outside ASCII, which the other stores keep apart.
    const p = param(containsPattern(asciiLower(search)));
    parts.push(`(${lower('curation_type')} LIKE ${p} OR ${lower('execution_name')} LIKE ${p})`);
  }
  return parts;
}
