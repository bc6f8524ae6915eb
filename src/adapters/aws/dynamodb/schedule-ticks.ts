import type { RunAlertPlanner } from '../../../domain/notify/incidents.js';
import type { CurationChanges, ScheduleCursor, ScheduledRuns, TickClaim } from '../../../ports/schedule-store.js';
import type { TxItem } from './dynamo-db.js';
import { txPut, txUpdate } from './dynamo-db.js';
import { Expr } from './expression.js';
import { prepareFinish } from './history.js';
import { AGAIN, commit, optimistic, type Tables } from './retry-conflicts.js';
import { finishedOf, instant, runOf } from './run-item.js';
import { activeRunItems, createItem } from './runs.js';
import { HISTORY_INDEX, keys, pad, TICK_CLAIMS, STATE_INDEX } from './table-layout.js';

/** How many change-log entries are kept; a scheduler further behind reloads every definition. */
const KEPT_CHANGES = 10_000;

/**
 * Claims ticks, each in a transaction of its own: the tick item (only if
 * absent), the cursor moved to it (only if still before it) and the run or
 * the skipped record (with its alert plan). A batch is not one transaction
 * here, since DynamoDB cannot write one cursor item twice in a transaction;
 * what matters holds per claim: its tick, cursor and run commit together.
 */
export async function claimTicks(t: Tables, claims: readonly TickClaim[], now: string, alerts?: RunAlertPlanner): Promise<boolean[]> {
  const won: boolean[] = [];
  for (const claim of claims) won.push(await claimTick(t, claim, now, alerts));
  return won;
}

async function claimTick(t: Tables, claim: TickClaim, now: string, alerts?: RunAlertPlanner): Promise<boolean> {
  const tick = instant(claim.scheduledTime, 'scheduledTime', 'tick claim');
  const tickMs = Date.parse(tick);
  const claimedAt = instant(claim.claimedAt, 'claimedAt', 'tick claim');
  const tickKey = keys.tick(claim.curationType, tick);
  return optimistic(`claiming tick ${claim.curationType}@${tick}`, async () => {
    const [cursor, existing] = await Promise.all([
      t.db.get(t.names.state, keys.cursor(claim.curationType)),
      t.db.get(t.names.state, tickKey),
    ]);
    if (existing || (typeof cursor?.lastTickMs === 'number' && cursor.lastTickMs >= tickMs)) return false;
    const name = 'run' in claim.outcome ? claim.outcome.run.executionName : claim.outcome.skipped.curationExecutionName;
    const k = new Expr();
    const items: TxItem[] = [
      txPut(
        t.names.state,
        {
          ...tickKey,
          curationType: claim.curationType,
          scheduledTime: tick,
          executionName: name,
          outcome: 'run' in claim.outcome ? 'run' : 'skipped',
          claimedBy: claim.claimedBy,
          claimedAt,
          g2pk: TICK_CLAIMS,
          g2sk: `${claimedAt}#${claim.curationType}#${tick}`,
        },
        `attribute_not_exists(${k.name('pk')})`,
        k,
      ),
    ];
    const c = new Expr();
    const before = `attribute_not_exists(${c.name('lastTickMs')}) OR ${c.name('lastTickMs')} < ${c.value(tickMs)}`;
    items.push(txUpdate(t.names.state, keys.cursor(claim.curationType), c.update({ lastTickMs: tickMs, lastTick: tick, curationType: claim.curationType }), c, before));
    if ('run' in claim.outcome) {
      const r = new Expr();
      items.push(txPut(t.names.state, createItem(claim.outcome.run), `attribute_not_exists(${r.name('pk')})`, r));
    } else {
      const finish = await prepareFinish(t, claim.outcome.skipped, now, alerts);
      // The skipped run already has its record: someone else stored it, so this tick is theirs.
      if ('done' in finish) return false;
      items.push(...finish.items);
    }
    return (await commit(t.db, items)) === AGAIN ? AGAIN : true;
  });
}

/** Moves a cursor forward (never back). */
export async function advanceCursor(t: Tables, curationType: string, lastTick: string): Promise<void> {
  const tick = instant(lastTick, 'lastTick', 'schedule cursor');
  const ms = Date.parse(tick);
  const x = new Expr();
  await t.db.update(t.names.state, keys.cursor(curationType), x.update({ lastTickMs: ms, lastTick: tick, curationType }), x, {
    condition: `attribute_not_exists(${x.name('lastTickMs')}) OR ${x.name('lastTickMs')} < ${x.value(ms)}`,
  });
}

/** The cursors of every curation that has one. */
export async function listCursors(t: Tables): Promise<ScheduleCursor[]> {
  const x = new Expr();
  const items = await t.db.queryAll({ table: t.names.state, keyCondition: `${x.name('pk')} = ${x.value('CURSOR')}`, expr: x });
  return items.map((i) => ({ curationType: String(i.curationType), lastTick: String(i.lastTick) }));
}

/**
 * Curations put or deleted after `afterSeq`. Entries are numbered by a
 * counter moved in the same transaction as the change, so entry n+1 exists
 * only once entry n does: reading the counter, then the entries, never
 * misses one below the seq returned.
 */
export async function curationChanges(t: Tables, afterSeq: number): Promise<CurationChanges> {
  const counter = await t.db.get(t.names.state, keys.counter('changes'));
  let seq = typeof counter?.seq === 'number' ? counter.seq : 0;
  if (afterSeq >= seq) return { seq, curationTypes: [] };
  const x = new Expr();
  const base = `${x.name('pk')} = ${x.value('CHANGE')}`;
  const oldest = (await t.db.query({ table: t.names.state, keyCondition: base, expr: x, pageSize: 1 }).next()).value?.[0];
  const oldestSeq = typeof oldest?.seq === 'number' ? oldest.seq : seq + 1;
  if (afterSeq < oldestSeq - 1) return { seq, curationTypes: 'all' };
  const y = new Expr();
  const entries = await t.db.queryAll({
    table: t.names.state,
    keyCondition: `${y.name('pk')} = ${y.value('CHANGE')} AND ${y.name('sk')} > ${y.value(pad(Math.max(0, afterSeq)))}`,
    expr: y,
  });
  seq = Math.max(seq, ...entries.map((e) => Number(e.seq)));
  return { seq, curationTypes: [...new Set(entries.map((e) => String(e.curationType)))].sort() };
}

/** Succeeded ticks and active runs of one curation with a scheduledTime in [fromIso, toIso]. */
export async function scheduledRuns(t: Tables, curationType: string, fromIso: string, toIso: string): Promise<ScheduledRuns> {
  const from = instant(fromIso, 'from', 'scheduled runs');
  const to = instant(toIso, 'to', 'scheduled runs');
  const x = new Expr();
  const records = await t.db.queryAll({
    table: t.names.history,
    index: HISTORY_INDEX.byScheduledTime,
    keyCondition: `${x.name('curationType')} = ${x.value(curationType)} AND ${x.name('scheduledTime')} BETWEEN ${x.value(from)} AND ${x.value(to)}`,
    filter: `${x.name('status')} = ${x.value('succeeded')}`,
    expr: x,
  });
  const active = (await activeRunItems(t, new Set([curationType])))
    .filter((i) => !finishedOf(i) && typeof i.scheduledTime === 'string' && i.scheduledTime >= from && i.scheduledTime <= to)
    .sort((a, b) => (a.scheduledTime === b.scheduledTime ? String(a.createdAt).localeCompare(String(b.createdAt)) : String(a.scheduledTime) < String(b.scheduledTime) ? -1 : 1))
    .map((i) => runOf(i)!);
  return { succeeded: new Set(records.map((r) => new Date(Date.parse(String(r.scheduledTime))).toISOString())), active };
}

/** Forgets tick claims made before `beforeIso` (their cursors keep them from being claimed again) and old change-log entries. */
export async function pruneTicks(t: Tables, beforeIso: string): Promise<number> {
  const before = instant(beforeIso, 'before', 'prune');
  let removed = 0;
  const x = new Expr();
  for await (const page of t.db.query({
    table: t.names.state,
    index: STATE_INDEX.gsi2,
    keyCondition: `${x.name('g2pk')} = ${x.value(TICK_CLAIMS)} AND ${x.name('g2sk')} < ${x.value(before)}`,
    projection: `${x.name('pk')}, ${x.name('sk')}`,
    expr: x,
  })) {
    for (const item of page) if (await t.db.delete(t.names.state, { pk: item.pk, sk: item.sk })) removed++;
  }
  const counter = await t.db.get(t.names.state, keys.counter('changes'));
  const keepFrom = (typeof counter?.seq === 'number' ? counter.seq : 0) - KEPT_CHANGES;
  if (keepFrom > 0) {
    const y = new Expr();
    const old = await t.db.queryAll({
      table: t.names.state,
      keyCondition: `${y.name('pk')} = ${y.value('CHANGE')} AND ${y.name('sk')} <= ${y.value(pad(keepFrom))}`,
      projection: `${y.name('pk')}, ${y.name('sk')}`,
      expr: y,
    });
    for (const item of old) if (await t.db.delete(t.names.state, { pk: item.pk, sk: item.sk })) removed++;
  }
  return removed;
}
