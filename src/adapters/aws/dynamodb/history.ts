import { ValidationError } from '../../../domain/errors.js';
import type { HistoryRecord } from '../../../domain/history.js';
import type { RunAlertPlanner } from '../../../domain/notify/incidents.js';
import type { HistoryPage, HistoryQuery } from '../../../ports/state-store.js';
import { checkHistoryQuery, decodeCursor, encodeCursor } from '../../../domain/history-page.js';
import { nameMatches } from '../../../domain/timeline.js';
import type { Item, TxItem } from './dynamo-db.js';
import { txPut, txUpdate } from './dynamo-db.js';
import { Expr } from './expression.js';
import { planItems, readIncidents } from './alert-plans.js';
import { historyRecordOf, recordItem, timeKey } from './history-item.js';
import { AGAIN, commit, optimistic, type Tables } from './retry-conflicts.js';
import { finishedOf, runOf } from './run-item.js';
import { HISTORY_INDEX, HISTORY_PARTITION, keys } from './table-layout.js';

/** What a finish comes to: the record stored before (nothing to write), or the writes that store it. */
export type Finish = { readonly done: HistoryRecord } | { readonly items: TxItem[]; readonly stored: HistoryRecord };

/**
 * Prepares storing a run's one terminal record: the history item (at the
 * first free millisecond at or after its timestamp, conditional on that key
 * being free), the run's terminal marker (conditional on there being none,
 * on the run as read), and the alert plan's writes. Commit the items in one
 * transaction; if it is cancelled, prepare again (someone else moved).
 *
 * @throws ValidationError when the timestamp is not a non-negative integer.
 */
export async function prepareFinish(t: Tables, record: HistoryRecord, now: string, alerts?: RunAlertPlanner): Promise<Finish> {
  if (!Number.isSafeInteger(record.timestamp) || record.timestamp < 0) {
    throw new ValidationError([{ path: 'timestamp', message: 'must be epoch milliseconds (a non-negative integer)' }], 'history record');
  }
  const runKey = keys.run(record.curationExecutionName);
  const runItem = await t.db.get(t.names.state, runKey);
  const first = await recordOfMarker(t, runItem);
  if (first) return { done: first };
  const snapshot = alerts && (await readIncidents(t, record.curationType));
  const timestamp = await firstFreeTimestamp(t, record.curationType, record.timestamp);
  const item = recordItem({ ...record, timestamp });
  const stored = historyRecordOf(item);
  const finished = { curationType: record.curationType, timestamp, status: record.status };
  const h = new Expr();
  const items: TxItem[] = [txPut(t.names.history, item, `attribute_not_exists(${h.name('curationType')})`, h)];
  const x = new Expr();
  if (runItem && runOf(runItem)) {
    const set = [`${x.name('run')}.${x.name('status')} = ${x.value(record.status)}`, `${x.name('run')}.${x.name('updatedAt')} = ${x.value(now)}`];
    const update = x.update({ finished, status: record.status, rev: Number(runItem.rev ?? 0) + 1 }, { setRaw: set, remove: ['g1pk', 'g1sk'] });
    items.push(txUpdate(t.names.state, runKey, update, x, `attribute_not_exists(${x.name('finished')}) AND ${x.name('rev')} = ${x.value(runItem.rev)}`));
  } else {
    items.push(txPut(t.names.state, { ...runKey, finished }, `attribute_not_exists(${x.name('pk')})`, x));
  }
  if (alerts && snapshot) items.push(...(await planItems(t, alerts(stored, snapshot.incidents), snapshot, now)));
  return { items, stored };
}

/** Stores the record and marks its run terminal in one transaction; the first writer wins (see {@link prepareFinish}). */
export async function finishRecord(t: Tables, record: HistoryRecord, now: string, alerts?: RunAlertPlanner): Promise<HistoryRecord> {
  return optimistic(`finishing run '${record.curationExecutionName}'`, async () => {
    const finish = await prepareFinish(t, record, now, alerts);
    if ('done' in finish) return finish.done;
    return (await commit(t.db, finish.items)) === AGAIN ? AGAIN : finish.stored;
  });
}

/** The record of one run, or undefined: by adp's marker, else (records the sample wrote) by the execution-name index. */
export async function getRecord(t: Tables, executionName: string): Promise<HistoryRecord | undefined> {
  const byMarker = await recordOfMarker(t, await t.db.get(t.names.state, keys.run(executionName)));
  if (byMarker) return byMarker;
  const x = new Expr();
  const [hit] = await t.db.queryAll({
    table: t.names.history,
    index: HISTORY_INDEX.byExecutionName,
    keyCondition: `${x.name('curationExecutionName')} = ${x.value(executionName)}`,
    expr: x,
  });
  if (!hit) return undefined;
  const item = await t.db.get(t.names.history, { curationType: hit.curationType, timestamp: hit.timestamp });
  return item && historyRecordOf(item);
}

async function recordOfMarker(t: Tables, runItem: Item | undefined): Promise<HistoryRecord | undefined> {
  const marker = finishedOf(runItem);
  if (!marker) return undefined;
  const item = await t.db.get(t.names.history, { curationType: marker.curationType, timestamp: marker.timestamp });
  return item && historyRecordOf(item);
}

/** `from` itself, or the end of the run of taken milliseconds that starts there. */
async function firstFreeTimestamp(t: Tables, curationType: string, from: number): Promise<number> {
  const x = new Expr();
  let next = from;
  for await (const page of t.db.query({
    table: t.names.history,
    keyCondition: `${x.name('curationType')} = ${x.value(curationType)} AND ${x.name('timestamp')} >= ${x.value(from)}`,
    projection: x.name('timestamp'),
    expr: x,
    pageSize: 50,
  })) {
    for (const item of page) {
      if (Number(item.timestamp) !== next) return next;
      next++;
    }
  }
  return next;
}

/**
 * Newest first (timestamp, then executionName, descending); `nextCursor`
 * only when more records exist. One curation is read from the table's own
 * key (so records the sample wrote are always there); across curations from
 * the `byTime` index. A status filter reads the status as derived for the
 * sample's records (`error` present → failed).
 *
 * @throws ValidationError for a bad limit, bounds or cursor.
 */
export async function listRecords(t: Tables, query: HistoryQuery): Promise<HistoryPage> {
  checkHistoryQuery(query);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const x = new Expr();
  if (query.statuses?.length === 0) return { records: [] };
  const filter = query.statuses === undefined ? undefined : query.statuses.map((s) => statusFilter(x, s)).join(' OR ');
  const oneCuration = query.curationType !== undefined;
  const from = query.from ?? 0;
  let to = query.to ?? Number.MAX_SAFE_INTEGER;
  if (after && after.timestamp < to) to = after.timestamp;
  if (from > to || to < 0) return { records: [] };
  const spec = oneCuration
    ? {
        table: t.names.history,
        keyCondition: `${x.name('curationType')} = ${x.value(query.curationType)} AND ${x.name('timestamp')} BETWEEN ${x.value(Math.max(0, from))} AND ${x.value(to)}`,
      }
    : {
        table: t.names.history,
        index: HISTORY_INDEX.byTime,
        keyCondition: `${x.name('adpPartition')} = ${x.value(HISTORY_PARTITION)} AND ${x.name('adpTimeKey')} BETWEEN ${x.value(timeKey(Math.max(0, from), ''))} AND ${x.value(timeKey(to, '\u{10FFFF}'))}`,
      };
  const beyond = after && timeKey(after.timestamp, after.executionName);
  const out: Item[] = [];
  // A name search has no key or filter expression (DynamoDB's `contains` cannot fold case): it is matched here.
  const skips = filter !== undefined || Boolean(query.search);
  for await (const page of t.db.query({ ...spec, ...(filter ? { filter } : {}), expr: x, forward: false, pageSize: skips ? Math.max(100, query.limit + 1) : query.limit + 2 })) {
    for (const item of page) {
      // The cursor's own record (and, within a millisecond, names at or after it) were on an earlier page.
      if (beyond !== undefined && timeKey(Number(item.timestamp), String(item.curationExecutionName)) >= beyond) continue;
      if (!nameMatches(String(item.curationType), String(item.curationExecutionName), query.search)) continue;
      out.push(item);
    }
    if (out.length > query.limit) break;
  }
  if (oneCuration) out.sort((a, b) => (timeKey(Number(b.timestamp), String(b.curationExecutionName)) < timeKey(Number(a.timestamp), String(a.curationExecutionName)) ? -1 : 1));
  const records = out.slice(0, query.limit).map(historyRecordOf);
  const last = records.at(-1);
  if (out.length <= query.limit || !last) return { records };
  return { records, nextCursor: encodeCursor({ timestamp: last.timestamp, executionName: last.curationExecutionName }) };
}

/**
 * Matches `status` on adp's records and, on the sample's (which have none),
 * the status recordFromItem derives: failed when `error` or `errorCause`
 * holds something other than null.
 */
function statusFilter(x: Expr, status: string): string {
  const own = `${x.name('status')} = ${x.value(status)}`;
  if (status !== 'failed' && status !== 'succeeded') return own;
  const given = (a: string) => `(attribute_exists(${x.name(a)}) AND NOT attribute_type(${x.name(a)}, ${x.value('NULL')}))`;
  const failed = `(${given('error')} OR ${given('errorCause')})`;
  return `(${own} OR (attribute_not_exists(${x.name('status')}) AND ${status === 'failed' ? failed : `NOT ${failed}`}))`;
}
