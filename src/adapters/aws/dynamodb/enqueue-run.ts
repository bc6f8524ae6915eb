import type { RunState } from '../../../domain/run.js';
import type { OverlapPolicy } from '../../../domain/schedule-policy.js';
import type { EnqueueOutcome } from '../../../ports/run-queue.js';
import type { TxItem } from './dynamo-db.js';
import { txPut, txUpdate } from './dynamo-db.js';
import { Expr } from './expression.js';
import { AGAIN, commit, optimistic, type Tables } from './retry-conflicts.js';
import { finishedOf, runOf } from './run-item.js';
import { activeRunItems, createItem } from './runs.js';
import { keys } from './table-layout.js';

/** Runs a start guard remembers, so a decision sees runs stored a moment ago even before the index shows them. */
const RECENT = 25;

/**
 * Stores `run` as the curation's overlap policy says (see
 * `RunQueue.enqueueRun`). The decision and the insert are one transaction
 * conditional on the curation's start guard being at the version read
 * before the active runs were read, so of two starters at once the later
 * one is cancelled, reads again, and sees the other's run.
 */
export async function enqueueRun(t: Tables, run: RunState, overlap: OverlapPolicy, now: Date, reason: string): Promise<EnqueueOutcome> {
  return optimistic(`queueing run '${run.executionName}'`, async () => {
    if (run.trigger === 'backfill') {
      const r = new Expr();
      return (await commit(t.db, [txPut(t.names.state, createItem(run), `attribute_not_exists(${r.name('pk')})`, r)])) === AGAIN
        ? AGAIN
        : { queued: true, behind: [], cancelling: [] };
    }
    const guard = await t.db.get(t.names.state, keys.startGuard(run.curationType));
    const recent = Array.isArray(guard?.recent) ? (guard.recent as string[]) : [];
    const indexed = await activeRunItems(t, new Set([run.curationType]));
    const known = new Set(indexed.map((i) => String(i.pk)));
    const fresh = (await t.db.batchGet(t.names.state, recent.map((n) => keys.run(n)))).filter((i) => !known.has(String(i.pk)));
    const active = [...indexed, ...fresh]
      .filter((i) => runOf(i) && !finishedOf(i) && (i.status === 'queued' || i.status === 'running') && i.trigger !== 'backfill')
      .sort((a, b) => (String(a.g1sk) < String(b.g1sk) ? -1 : 1))
      .map((i) => runOf(i)!);
    if (active.length > 0 && overlap === 'skip') return { queued: false, active: active[0]! };
    const names = active.map((r) => r.executionName);
    const cancelling = overlap === 'cancelRunning' ? names : [];
    const g = new Expr();
    const seen = typeof guard?.version === 'number' ? guard.version : undefined;
    const condition = seen === undefined ? `attribute_not_exists(${g.name('version')})` : `${g.name('version')} = ${g.value(seen)}`;
    const r = new Expr();
    const items: TxItem[] = [
      txUpdate(t.names.state, keys.startGuard(run.curationType), g.update({ version: (seen ?? 0) + 1, recent: [...recent, run.executionName].slice(-RECENT) }), g, condition),
      txPut(t.names.state, createItem(run), `attribute_not_exists(${r.name('pk')})`, r),
      ...cancelling.map((name) => cancelItem(t, name, reason, now)),
    ];
    return (await commit(t.db, items)) === AGAIN ? AGAIN : { queued: true, behind: names, cancelling };
  });
}

/** A cancel request that keeps an earlier one's reason (a transaction cannot carry a write whose condition may fail harmlessly). */
function cancelItem(t: Tables, executionName: string, reason: string, now: Date): TxItem {
  const x = new Expr();
  const keep = (attribute: string, value: unknown) => `${x.name(attribute)} = if_not_exists(${x.name(attribute)}, ${x.value(value)})`;
  return txUpdate(t.names.state, keys.cancel(executionName), `SET ${keep('reason', reason)}, ${keep('requestedAt', now.toISOString())}`, x);
}
