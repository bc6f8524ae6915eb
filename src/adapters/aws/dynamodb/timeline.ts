import { checkTimelineQuery, timelineOf, timelineRowOf, type Timeline, type TimelineQuery, type TimelineRow } from '../../../domain/timeline.js';
import { Expr } from './expression.js';
import { historyRecordOf, timeKey } from './history-item.js';
import type { Tables } from './retry-conflicts.js';
import { HISTORY_INDEX, HISTORY_PARTITION } from './table-layout.js';

/**
 * The timeline of a window, grouped here: DynamoDB cannot group in a query.
 * Records are keyed by the time they ended, and a run ends after it starts,
 * so every run that started at or after `from` ended at or after it: that is
 * the range read (one curation from the table's key, all from the `byTime`
 * index), filtered to the window in memory. The cost grows with the records
 * that ended since `from`, not with the answer; the SQL stores group in the
 * database instead.
 */
export async function readTimeline(t: Tables, query: TimelineQuery): Promise<Timeline> {
  checkTimelineQuery(query);
  const x = new Expr();
  const from = Math.max(0, query.from);
  const spec =
    query.curationType !== undefined
      ? { table: t.names.history, keyCondition: `${x.name('curationType')} = ${x.value(query.curationType)} AND ${x.name('timestamp')} >= ${x.value(from)}` }
      : {
          table: t.names.history,
          index: HISTORY_INDEX.byTime,
          keyCondition: `${x.name('adpPartition')} = ${x.value(HISTORY_PARTITION)} AND ${x.name('adpTimeKey')} >= ${x.value(timeKey(from, ''))}`,
        };
  const rows: TimelineRow[] = [];
  for await (const page of t.db.query({ ...spec, expr: x, pageSize: 1000 })) {
    for (const item of page) rows.push(timelineRowOf(historyRecordOf(item)));
  }
  return timelineOf(rows, query);
}
