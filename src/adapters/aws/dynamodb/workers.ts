import type { WorkerInfo } from '../../../ports/worker-registry.js';
import { Expr } from './expression.js';
import type { Tables } from './retry-conflicts.js';
import { instant } from './run-item.js';
import { keys } from './table-layout.js';

/** Inserts a worker's item or refreshes its heartbeat and url (who it is stays as first announced). */
export async function heartbeat(t: Tables, w: WorkerInfo): Promise<void> {
  const x = new Expr();
  const keep = (attribute: string, value: unknown) => `${x.name(attribute)} = if_not_exists(${x.name(attribute)}, ${x.value(value)})`;
  const update = x.update(
    { heartbeatAt: instant(w.heartbeatAt, 'heartbeatAt', 'worker'), url: w.url },
    { setRaw: [keep('workerId', w.workerId), keep('host', w.host), keep('pid', w.pid), keep('startedAt', instant(w.startedAt, 'startedAt', 'worker'))] },
  );
  await t.db.update(t.names.state, keys.worker(w.workerId), update, x);
}

/** Workers whose last heartbeat is at or after `aliveSince`, oldest first. */
export async function listWorkers(t: Tables, aliveSince: string): Promise<WorkerInfo[]> {
  const x = new Expr();
  const items = await t.db.queryAll({
    table: t.names.state,
    keyCondition: `${x.name('pk')} = ${x.value('WORKER')}`,
    filter: `${x.name('heartbeatAt')} >= ${x.value(instant(aliveSince, 'aliveSince', 'worker query'))}`,
    expr: x,
  });
  return items
    .map((i) => {
      const info: WorkerInfo = { workerId: String(i.workerId), host: String(i.host), pid: Number(i.pid), startedAt: String(i.startedAt), heartbeatAt: String(i.heartbeatAt) };
      return typeof i.url === 'string' ? { ...info, url: i.url } : info;
    })
    .sort((a, b) => (a.startedAt === b.startedAt ? (a.workerId < b.workerId ? -1 : 1) : a.startedAt < b.startedAt ? -1 : 1));
}

/** Removes a worker's item (clean shutdown). */
export async function removeWorker(t: Tables, workerId: string): Promise<void> {
  await t.db.delete(t.names.state, keys.worker(workerId));
}

/** Forgets workers silent since `beforeIso`; returns how many. */
export async function pruneWorkers(t: Tables, beforeIso: string): Promise<number> {
  const x = new Expr();
  const before = instant(beforeIso, 'before', 'prune');
  const items = await t.db.queryAll({
    table: t.names.state,
    keyCondition: `${x.name('pk')} = ${x.value('WORKER')}`,
    filter: `${x.name('heartbeatAt')} < ${x.value(before)}`,
    expr: x,
  });
  let removed = 0;
  for (const i of items) {
    const y = new Expr();
    if (await t.db.delete(t.names.state, keys.worker(String(i.workerId)), `${y.name('heartbeatAt')} < ${y.value(before)}`, y)) removed++;
  }
  return removed;
}
