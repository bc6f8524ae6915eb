import type { HistoryQuery } from '../../ports/state-store.js';
import { containsPattern } from '../sql/like-pattern.js';

/** The filters the history pages and the timeline share (TimelineQuery has the same two). */
type RunFilters = Pick<HistoryQuery, 'statuses' | 'search'>;

/**
 * WHERE parts (positional `?`) for statuses and a name search over the
 * `history` table. One status is an equality, so an index on (status, …)
 * still yields rows in its order; LIKE folds ASCII letters only, as
 * `nameMatches` does.
 */
export function runFilterSql(filters: RunFilters): { parts: string[]; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  const { statuses, search } = filters;
  if (statuses !== undefined) {
    parts.push(statuses.length === 0 ? '0' : statuses.length === 1 ? 'status = ?' : `status IN (${statuses.map(() => '?').join(', ')})`);
    params.push(...statuses);
  }
  if (search) {
    parts.push("(curation_type LIKE ? ESCAPE '\\' OR execution_name LIKE ? ESCAPE '\\')");
    params.push(containsPattern(search), containsPattern(search));
  }
  return { parts, params };
}
