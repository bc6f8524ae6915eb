import type { WorkerInfo } from '../../ports/worker-registry.js';
import type { Sql } from './database.js';
import { instant, iso } from './values.js';

interface WorkerRow {
  worker_id: string;
  host: string;
  pid: number;
  started_at: Date;
  heartbeat_at: Date;
  url: string | null;
}

/** Inserts or refreshes a worker's row in the `workers` table. */
export async function heartbeat(sql: Sql, w: WorkerInfo): Promise<void> {
  await sql.run(
    `INSERT INTO workers (worker_id, host, pid, started_at, heartbeat_at, url) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, url = excluded.url`,
    [w.workerId, w.host, w.pid, instant(w.startedAt, 'startedAt', 'worker'), instant(w.heartbeatAt, 'heartbeatAt', 'worker'), w.url ?? null],
  );
}

/** Workers whose last heartbeat is at or after `aliveSince`, oldest first. */
export async function listWorkers(sql: Sql, aliveSince: string): Promise<WorkerInfo[]> {
  const rows = await sql.rows<WorkerRow>(
    'SELECT worker_id, host, pid, started_at, heartbeat_at, url FROM workers WHERE heartbeat_at >= $1 ORDER BY started_at, worker_id',
    [instant(aliveSince, 'aliveSince', 'worker query')],
  );
  return rows.map((r) => {
    const info: WorkerInfo = { workerId: r.worker_id, host: r.host, pid: r.pid, startedAt: iso(r.started_at), heartbeatAt: iso(r.heartbeat_at) };
    return r.url === null ? info : { ...info, url: r.url };
  });
}

/** Removes a worker's row (clean shutdown). */
export async function removeWorker(sql: Sql, workerId: string): Promise<void> {
  await sql.run('DELETE FROM workers WHERE worker_id = $1', [workerId]);
}

/** Forgets workers silent since `beforeIso`; returns how many. */
export async function pruneWorkers(sql: Sql, beforeIso: string): Promise<number> {
  return sql.run('DELETE FROM workers WHERE heartbeat_at < $1', [instant(beforeIso, 'before', 'prune')]);
}
